package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each bad input fails at once with a message that says what was expected, what was given and what to do. */
class MaskBadInputTest {

    private static final GridShape GRID = new GridShape(2, 2, 2);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static void fails(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks \"" + p + "\": " + e.getMessage());
        }
    }

    private NDArray ids(int batch, int length) {
        return manager.arange(0, batch * length, 1, DataType.INT64).reshape(batch, length);
    }

    @Test
    void gridSizesAndRanges() {
        fails(() -> new GridShape(0, 4, 4), "at least 1", "got (0, 4, 4)", "an image's grid has 1 frame");
        fails(() -> TokenMask.box(GRID, 0, 3, 0, 1, 0, 1), "frames", "within 0..2", "got 0..3");
        fails(() -> TokenMask.box(GRID, 0, 1, 2, 1, 0, 1), "rows", "got 2..1", "from <= to");
        fails(() -> GRID.index(2, 0, 0), "(2, 0, 0)", "outside the grid (2, 2, 2)");
        fails(() -> TokenMask.of(GRID, new boolean[7]), "expects 8 flags", "got 7");
    }

    @Test
    void negativeCountsAndBlocksThatDoNotFit() {
        fails(() -> TokenMask.randomBlocks(GRID, -1, GridShape.image(1, 1), 0), "at least 0 blocks", "got -1");
        fails(() -> TokenMask.randomBlocks(GRID, 1, new GridShape(1, 3, 1), 0), "fits in the grid (2, 2, 2)", "(1, 3, 1)", "smaller block");
        fails(() -> MaskingScheme.randomBlocks(-2, GridShape.image(1, 1)), "at least 0 blocks", "got -2");
        fails(() -> MaskingDraw.counts(new Random(0), 2, -1), "at least 0 masked positions", "got -1");
        fails(() -> MaskingDraw.counts(new Random(0), 9).masked(1, 8), "cannot mask 9 of 8", "at most 8");
        fails(() -> MaskingDraw.counts(new Random(0), 1, 2, 3).masked(2, 8), "3 counts for a batch of 2");
        fails(() -> TokenMask.movingBox(GRID, -1, 1, 0, 0, 0, 0), "at least 0", "got -1x1");
        fails(() -> new ConditionFrames(0, 1), "at least 1 pixel frame", "got 0 and 1");
        fails(() -> ConditionFrames.of(2, 0), "temporal down-sampling factor must be at least 1, got 0");
    }

    @Test
    void masksOfAnotherGrid() {
        TokenMask other = TokenMask.all(new GridShape(1, 2, 2));
        fails(() -> TokenMask.all(GRID).union(other), "same grid", "(2, 2, 2) and (1, 2, 2)");
        fails(() -> CommitMasking.withMaskToken(99).apply(ids(1, 8), ids(1, 8), other, MaskingDraw.counts(new Random(0), 1)),
                "L = 8 tokens", "(1, 8)", "grid (1, 2, 2) (4 tokens)", "build the mask for the grid");
        fails(() -> CommitMasking.withMaskToken(99).apply(ids(2, 8), ids(2, 8), List.of(TokenMask.all(GRID)),
                MaskingDraw.counts(new Random(0), 1)), "one condition mask per example, 2", "got 1");
        fails(() -> TokenMask.all(GRID).requireGrid(new GridShape(1, 2, 2), "decoding"), "decoding expects a mask of the grid");
    }

    @Test
    void idsOfTheWrongShapeOrType() {
        CommitMasking commit = CommitMasking.withMaskToken(99);
        MaskingDraw draw = MaskingDraw.counts(new Random(0), 1);
        TokenMask given = TokenMask.none(GRID);
        fails(() -> commit.apply(ids(2, 8).reshape(2, 2, 4), ids(2, 8), given, draw), "real ids (B, L)", "rank 2", "(2, 2, 4)");
        fails(() -> commit.apply(ids(2, 8), ids(1, 8), given, draw), "condition ids of the real ids' shape (B, L) = (2, 8)", "got (1, 8)");
        fails(() -> commit.apply(ids(1, 8).toType(DataType.FLOAT32, false), ids(1, 8), given, draw), "integer token ids", "float32");
        fails(() -> commit.apply(ids(1, 8), ids(1, 8), manager.ones(new Shape(1, 8)), draw),
                "boolean condition mask (B, L) = (1, 8)", "float32 (1, 8)");
        fails(() -> CommitMasking.withMaskToken(3).apply(ids(1, 8), ids(1, 8), given, draw),
                "mask token id 3 among the real tokens", "position 3", "outside the codebook");
        fails(() -> CommitMasking.withMaskToken(-1), "at least 0, got -1", "codebook size");
        fails(() -> commit.apply(ids(1, 8), ids(1, 8), given, MaskingDraw.positions(new boolean[][] {{true}})),
                "holds 1 positions for example 0", "has 8");
        fails(() -> new CommitMasking.LossWeights(1, -1, 1), "finite weights of at least 0", "refine -1.0");
    }

    @Test
    void tasksThatDoNotFitTheGridOrClip() {
        fails(() -> MagvitTask.FRAME_PREDICTION.conditionMask(GridShape.image(4, 4)), "frame prediction (FP)",
                "more than 1", "got 1", "longer clip");
        fails(() -> MagvitTask.FRAME_INTERPOLATION.conditionMask(GRID), "first 1 and the last 1 latent frames", "more than 2, got 2");
        fails(() -> MagvitTask.FRAME_PREDICTION.conditionMask(GRID, new ConditionFrames(1, 2)), "first 2 latent frames");
        NDArray clip = manager.zeros(new Shape(1, 1, 4, 8, 8));
        fails(() -> MagvitTask.FRAME_PREDICTION.conditionClip(clip, new ConditionFrames(4, 1)), "first 4 frames", "got 4");
        fails(() -> MagvitTask.CENTRAL_OUTPAINTING.conditionClip(manager.zeros(new Shape(1, 4, 8, 8))), "clip (B, C, T, H, W)",
                "rank 5", "(1, 4, 8, 8)");
        fails(() -> MagvitTask.CENTRAL_OUTPAINTING.conditionClip(manager.zeros(new Shape(1, 1, 2, 1, 8))), "is empty",
                "at least 2x2 pixels");
        fails(() -> MagvitTask.fromShortName("OP"), "one of FP, FI, OPC", "got \"OP\"");
    }

    @Test
    void ndArraysThatAreNotMasks() {
        fails(() -> TokenMask.fromNDArray(manager.ones(new Shape(2, 2, 2))), "boolean array", "float32 (2, 2, 2)", "mask.gt(0)");
        fails(() -> TokenMask.fromNDArray(manager.ones(new Shape(2)).gt(0)), "(t, h, w) or (h, w)", "rank 2 or 3", "(2,)");
        fails(() -> MaskingScheme.anyOf(List.of()), "at least one scheme");
    }
}
