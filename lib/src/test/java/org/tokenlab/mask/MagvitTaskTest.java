package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The task regions on small grids, written out by hand ({@code #} given, {@code .} generated). */
class MagvitTaskTest {

    private static final GridShape GRID = new GridShape(3, 4, 4);

    private static String rows(MagvitTask task, GridShape grid) {
        String text = task.conditionMask(grid).toString();
        return text.substring(text.indexOf('\n') + 1);
    }

    @Test
    void frameTasksKeepWholeLatentFrames() {
        assertEquals("#### .... ....\n".repeat(3) + "#### .... ....", rows(MagvitTask.FRAME_PREDICTION, GRID));
        assertEquals("#### .... ####\n".repeat(3) + "#### .... ####", rows(MagvitTask.FRAME_INTERPOLATION, GRID));
        assertEquals(MagvitTask.FRAME_PREDICTION.conditionMask(GRID), MagvitTask.CLASS_CONDITIONAL_FRAME_PREDICTION.conditionMask(GRID));
        GridShape k600 = new GridShape(4, 2, 2);
        assertEquals(TokenMask.frames(k600, 0, 2), MagvitTask.FRAME_PREDICTION.conditionMask(k600, ConditionFrames.of(5, 4)));
    }

    @Test
    void outpaintingKeepsTheCentralRegionOfTheOfficialCode() {
        assertEquals("""
                .... .... ....
                .##. .##. .##.
                .##. .##. .##.
                .... .... ....""", rows(MagvitTask.CENTRAL_OUTPAINTING, GRID));
        assertEquals("""
                .##. .##. .##.
                .##. .##. .##.
                .##. .##. .##.
                .##. .##. .##.""", rows(MagvitTask.VERTICAL_OUTPAINTING, GRID));
        assertEquals("""
                .... .... ....
                #### #### ####
                #### #### ####
                .... .... ....""", rows(MagvitTask.HORIZONTAL_OUTPAINTING, GRID));
    }

    @Test
    void dynamicTasksSlideAHalfWidthWindowFromLeftToRight() {
        // x(t) = round(linspace(0, w/2 = 2, 3)) = 0, 1, 2
        assertEquals("##.. .##. ..##\n".repeat(3) + "##.. .##. ..##", rows(MagvitTask.DYNAMIC_OUTPAINTING, GRID));
        assertEquals("""
                #### #### ####
                ..## #..# ##..
                ..## #..# ##..
                #### #### ####""", rows(MagvitTask.DYNAMIC_INPAINTING, GRID));
    }

    @Test
    void inpaintingIsTheComplementAndGenerationKeepsNothing() {
        assertEquals(MagvitTask.CENTRAL_OUTPAINTING.conditionMask(GRID).complement(), MagvitTask.CENTRAL_INPAINTING.conditionMask(GRID));
        assertEquals(0, MagvitTask.CLASS_CONDITIONAL_GENERATION.conditionMask(GRID).count());
    }

    @Test
    void oddGridsUseIntegerDivisionAsTheOfficialCode() {
        GridShape g = GridShape.image(5, 7);            // rows 1..3, columns 1..5
        TokenMask m = MagvitTask.CENTRAL_OUTPAINTING.conditionMask(g);
        assertEquals(TokenMask.box(g, 0, 1, 1, 3, 1, 5), m);
        // one frame: the dynamic window stays at the left
        assertEquals(TokenMask.box(g, 0, 1, 0, 5, 0, 3), MagvitTask.DYNAMIC_OUTPAINTING.conditionMask(g));
    }

    @Test
    void namesAndFlags() {
        assertEquals(10, MagvitTask.values().length);
        assertEquals("FP FI OPC OPV OPH OPD IPC IPD CG CFP",
                String.join(" ", java.util.Arrays.stream(MagvitTask.values()).map(MagvitTask::shortName).toList()));
        assertSame(MagvitTask.DYNAMIC_INPAINTING, MagvitTask.fromShortName("ipd"));
        assertEquals("central outpainting", MagvitTask.CENTRAL_OUTPAINTING.description());
        assertTrue(MagvitTask.CLASS_CONDITIONAL_GENERATION.isClassConditional());
        assertTrue(MagvitTask.CLASS_CONDITIONAL_FRAME_PREDICTION.isClassConditional());
        assertFalse(MagvitTask.FRAME_PREDICTION.isClassConditional());
        assertTrue(MagvitTask.FRAME_INTERPOLATION.keepsFrames());
        assertFalse(MagvitTask.DYNAMIC_OUTPAINTING.keepsFrames());
    }

    @Test
    void conditionFramesFromTheTemporalFactor() {
        assertEquals(new ConditionFrames(5, 2), ConditionFrames.of(5, 4));
        assertEquals(new ConditionFrames(1, 1), ConditionFrames.of(1, 4));
        assertEquals(new ConditionFrames(4, 1), ConditionFrames.of(4, 4));
        assertEquals(new ConditionFrames(5, 2), ConditionFrames.causal(5, 4));
        assertEquals(new ConditionFrames(6, 3), ConditionFrames.causal(6, 4));
        assertEquals(new ConditionFrames(1, 1), ConditionFrames.causal(1, 4));
    }

    @Test
    void schemesTasksAndPools() {
        Random random = new Random(3);
        assertEquals(MagvitTask.FRAME_PREDICTION.conditionMask(GRID), MagvitTask.FRAME_PREDICTION.conditionMask(GRID, random));
        MaskingScheme left = MaskingScheme.of("left", (g, r) -> TokenMask.box(g, 0, g.frames(), 0, g.height(), 0, 1));
        assertEquals("left", left.name());
        assertEquals(12, left.conditionMask(GRID, random).count());
        MaskingScheme pool = MaskingScheme.anyOf(java.util.List.of(MagvitTask.CLASS_CONDITIONAL_GENERATION, left));
        assertEquals("anyOf[CLASS_CONDITIONAL_GENERATION, left]", pool.name());
        java.util.Set<Integer> counts = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            counts.add(pool.conditionMask(GRID, random).count());
        }
        assertEquals(java.util.Set.of(0, 12), counts);
        MaskingScheme blocks = MaskingScheme.randomBlocks(2, new GridShape(1, 2, 2));
        assertTrue(blocks.conditionMask(GRID, random).count() >= 4);
    }
}
