package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** COMMIT's inputs on grids of 2 and 8 tokens, every position checked by hand. */
class CommitMaskingTest {

    private static final long MASK = 99;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray ids(long[] values, int batch) {
        return manager.create(values, new Shape(batch, values.length / batch));
    }

    @Test
    void eachPositionOnAOneByTwoByTwoGrid() {
        GridShape grid = new GridShape(2, 1, 2);                                  // L = 4; FP gives positions 0 and 1
        TokenMask given = MagvitTask.FRAME_PREDICTION.conditionMask(grid);
        MaskingDraw draw = MaskingDraw.positions(new boolean[][] {{true, false, true, false}});
        try (CommitInput in = CommitMasking.withMaskToken(MASK)
                .apply(ids(new long[] {10, 11, 12, 13}, 1), ids(new long[] {20, 21, 22, 23}, 1), given, draw)) {
            // 0: masked, given -> condition token; 1: unmasked -> real; 2: masked, not given -> [MASK]; 3: unmasked -> real
            assertArrayEquals(new long[] {20, 11, MASK, 13}, in.inputIds().toLongArray());
            assertArrayEquals(new long[] {1, 0, 2, 0}, in.segmentIds().toLongArray());
            assertArrayEquals(new float[] {1, 1, 1, 1}, in.lossWeights().toFloatArray());
            assertArrayEquals(new boolean[] {true, false, true, false}, in.masked().toBooleanArray());
            assertEquals(new Shape(1, 4), in.inputIds().getShape());
            assertEquals(DataType.INT64, in.inputIds().getDataType());
            assertEquals(DataType.INT64, in.segmentIds().getDataType());
            assertEquals(DataType.FLOAT32, in.lossWeights().getDataType());
        }
    }

    @Test
    void lossWeightsFollowTheThreeGroups() {
        GridShape grid = new GridShape(2, 1, 2);
        TokenMask given = MagvitTask.FRAME_PREDICTION.conditionMask(grid);
        MaskingDraw draw = MaskingDraw.positions(new boolean[][] {{true, false, true, false}});
        NDArray real = ids(new long[] {10, 11, 12, 13}, 1);
        NDArray condition = ids(new long[] {20, 21, 22, 23}, 1);
        CommitMasking commit = CommitMasking.withMaskToken(MASK);
        // groups: refine, reconstruction, mask, reconstruction
        assertArrayEquals(new float[] {1, 0, 1, 0},
                commit.withLossWeights(CommitMasking.LossWeights.MASK_AND_REFINE).apply(real, condition, given, draw).lossWeights().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 0},
                commit.withLossWeights(CommitMasking.LossWeights.MASK_ONLY).apply(real, condition, given, draw).lossWeights().toFloatArray());
        assertArrayEquals(new float[] {2, 0.25f, 0.5f, 0.25f},
                commit.withLossWeights(new CommitMasking.LossWeights(0.5f, 2, 0.25f)).apply(real, condition, given, draw).lossWeights().toFloatArray());
    }

    @Test
    void perExampleMasksOnATwoByTwoByTwoGrid() {
        GridShape grid = new GridShape(2, 2, 2);                                  // L = 8
        long[] real = {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17};
        long[] condition = {50, 51, 52, 53, 54, 55, 56, 57, 60, 61, 62, 63, 64, 65, 66, 67};
        // example 0: FI on 2 frames would give everything, so give frame 1; example 1: the left column of both frames
        TokenMask lastFrame = TokenMask.frames(grid, 1, 2);                       // positions 4..7
        TokenMask leftColumn = TokenMask.box(grid, 0, 2, 0, 2, 0, 1);             // positions 0, 2, 4, 6
        boolean[][] masked = {
            {true, true, false, false, true, false, true, false},
            {true, true, true, true, false, false, false, false}};
        CommitInput in = CommitMasking.withMaskToken(MASK)
                .apply(ids(real, 2), ids(condition, 2), List.of(lastFrame, leftColumn), MaskingDraw.positions(masked));
        assertArrayEquals(new long[] {
            MASK, MASK, 2, 3, 54, 5, 56, 7,
            60, MASK, 62, MASK, 14, 15, 16, 17}, in.inputIds().toLongArray());
        assertArrayEquals(new long[] {
            2, 2, 0, 0, 1, 0, 1, 0,
            1, 2, 1, 2, 0, 0, 0, 0}, in.segmentIds().toLongArray());
        // the same masks given as a (B, L) boolean array
        boolean[] flat = new boolean[16];
        System.arraycopy(lastFrame.toArray(), 0, flat, 0, 8);
        System.arraycopy(leftColumn.toArray(), 0, flat, 8, 8);
        CommitInput again = CommitMasking.withMaskToken(MASK)
                .apply(ids(real, 2), ids(condition, 2), manager.create(flat, new Shape(2, 8)), MaskingDraw.positions(masked));
        assertArrayEquals(in.inputIds().toLongArray(), again.inputIds().toLongArray());
    }

    @Test
    void countsMaskExactlyThatManyPositionsAndSeedsRepeat() {
        GridShape grid = new GridShape(2, 2, 2);
        boolean[][] a = MaskingDraw.counts(new Random(5), 3, 8).masked(2, grid.size());
        assertEquals(3, count(a[0]));
        assertEquals(8, count(a[1]));
        assertArrayEquals(a[0], MaskingDraw.counts(new Random(5), 3, 8).masked(2, 8)[0]);
        assertEquals(0, count(MaskingDraw.counts(new Random(5), 0).masked(1, 8)[0]));
        boolean[][] shared = MaskingDraw.counts(new Random(5), 2).masked(3, 8);
        for (boolean[] row : shared) {
            assertEquals(2, count(row));
        }
    }

    @Test
    void everyPositionIsMaskedAsOftenUnderTheCountDraw() {
        int[] hits = new int[8];
        MaskingDraw draw = MaskingDraw.counts(new Random(1), 2);
        for (int i = 0; i < 4000; i++) {
            boolean[] row = draw.masked(1, 8)[0];
            for (int k = 0; k < 8; k++) {
                hits[k] += row[k] ? 1 : 0;
            }
        }
        for (int h : hits) {
            assertTrue(Math.abs(h - 1000) < 150, java.util.Arrays.toString(hits));   // 2 of 8 each time: 1000 expected
        }
    }

    @Test
    void scheduleDrawsACountPerExample() {
        boolean[][] m = MaskingDraw.schedule(MaskSchedule.COSINE, new Random(0)).masked(64, 16);
        java.util.Set<Integer> counts = new java.util.HashSet<>();
        for (boolean[] row : m) {
            int c = count(row);
            assertTrue(c >= 1 && c <= 16, "count " + c);
            counts.add(c);
        }
        assertTrue(counts.size() > 4, "one ratio per example gives many counts, got " + counts);
    }

    private static int count(boolean[] row) {
        int n = 0;
        for (boolean b : row) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
