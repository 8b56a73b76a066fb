package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Reflect and replicate padding against values written out by hand. */
class PaddingTest {

    @Test
    void reflectAndReplicateOneRowAsInTheJavadoc() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray row = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 1, 4));          // [a b c d]
            assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3, 2},
                    Padding.pad(row, PaddingMode.REFLECT, 0, 0, 2, 2).toFloatArray());        // [c b a b c d c b]
            assertArrayEquals(new float[] {1, 1, 1, 2, 3, 4, 4, 4},
                    Padding.pad(row, PaddingMode.REPLICATE, 0, 0, 2, 2).toFloatArray());      // [a a a b c d d d]
            assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4, 0, 0},
                    Padding.pad(row, PaddingMode.ZEROS, 0, 0, 2, 2).toFloatArray());
        }
    }

    @Test
    void imagesWithUnevenAmountsPerAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray image = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(1, 1, 3, 3));
            // rows: 1 before, 2 after; columns: 2 before, 0 after
            NDArray reflect = Padding.pad(image, PaddingMode.REFLECT, 1, 2, 2, 0);
            assertEquals(new Shape(1, 1, 6, 5), reflect.getShape());
            assertArrayEquals(new float[] {
                6, 5, 4, 5, 6,   // row 1 mirrored
                3, 2, 1, 2, 3,
                6, 5, 4, 5, 6,
                9, 8, 7, 8, 9,
                6, 5, 4, 5, 6,   // row 1 again
                3, 2, 1, 2, 3}, reflect.toFloatArray());
            NDArray replicate = Padding.pad(image, PaddingMode.REPLICATE, 1, 2, 2, 0);
            assertArrayEquals(new float[] {
                1, 1, 1, 2, 3,
                1, 1, 1, 2, 3,
                4, 4, 4, 5, 6,
                7, 7, 7, 8, 9,
                7, 7, 7, 8, 9,
                7, 7, 7, 8, 9}, replicate.toFloatArray());
        }
    }

    @Test
    void videosPadTimeOnlyBeforeForACausalAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two channels of three 1 x 2 frames: channel 0 is [1 2] [3 4] [5 6], channel 1 the same + 10
            NDArray video = m.create(new float[] {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16}, new Shape(1, 2, 3, 1, 2));
            // time: 2 before, none after; height: none; width: 1 on each side
            NDArray reflect = Padding.pad(video, PaddingMode.REFLECT, 2, 0, 0, 0, 1, 1);
            assertEquals(new Shape(1, 2, 5, 1, 4), reflect.getShape());
            assertArrayEquals(new float[] {
                6, 5, 6, 5,   4, 3, 4, 3,   2, 1, 2, 1,   4, 3, 4, 3,   6, 5, 6, 5,     // frames 2 1 0 1 2
                16, 15, 16, 15,   14, 13, 14, 13,   12, 11, 12, 11,   14, 13, 14, 13,   16, 15, 16, 15},
                    reflect.toFloatArray());
            NDArray replicate = Padding.pad(video, PaddingMode.REPLICATE, 2, 0, 0, 0, 1, 1);
            assertArrayEquals(new float[] {
                1, 1, 2, 2,   1, 1, 2, 2,   1, 1, 2, 2,   3, 3, 4, 4,   5, 5, 6, 6,     // frames 0 0 0 1 2
                11, 11, 12, 12,   11, 11, 12, 12,   11, 11, 12, 12,   13, 13, 14, 14,   15, 15, 16, 16},
                    replicate.toFloatArray());
        }
    }

    @Test
    void theGradientCountsHowOftenEachElementIsShown() {
        try (NDManager m = NDManager.newBaseManager()) {
            // [a b c d] reflected by 2: [c b a b c d c b], so a and d once, b and c three times
            assertArrayEquals(new float[] {1, 3, 3, 1},
                    gradientOfSum(m.ones(new Shape(1, 1, 1, 4)), PaddingMode.REFLECT, 0, 0, 2, 2));
            // 3 x 3 by 1 on every side: along each axis [b a b c b] shows a, b, c 1, 3, 1 times; counts multiply
            assertArrayEquals(new float[] {1, 3, 1, 3, 9, 3, 1, 3, 1},
                    gradientOfSum(m.ones(new Shape(1, 1, 3, 3)), PaddingMode.REFLECT, 1, 1, 1, 1));
            // replicated: [a a b c c] shows a, b, c 2, 1, 2 times
            assertArrayEquals(new float[] {4, 2, 4, 2, 1, 2, 4, 2, 4},
                    gradientOfSum(m.ones(new Shape(1, 1, 3, 3)), PaddingMode.REPLICATE, 1, 1, 1, 1));
            // video, time replicated 2 before only: frame 0 three times, frame 1 once; 1 x 1 frames
            assertArrayEquals(new float[] {3, 1},
                    gradientOfSum(m.ones(new Shape(1, 1, 2, 1, 1)), PaddingMode.REPLICATE, 2, 0, 0, 0, 0, 0));
        }
    }

    @Test
    void everyAmountShowsTheSourceElementAndSendsItsGradientBack() {
        // one axis of a video (time, then width) of 1 to 6 elements, every pad up to 3 the mode allows:
        // output j shows element source(j - before); element i gets the upstream gradient of every j showing it
        try (NDManager m = NDManager.newBaseManager()) {
            for (PaddingMode mode : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.REPLICATE}) {
                for (int axis : new int[] {0, 2}) {
                    for (int size = 1; size <= 6; size++) {
                        for (int before = 0; before <= Math.min(3, mode.largestPad(size)); before++) {
                            for (int after = 0; after <= Math.min(3, mode.largestPad(size)); after++) {
                                checkOneAxis(m, mode, axis, size, before, after);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void checkOneAxis(NDManager m, PaddingMode mode, int axis, int size, int before, int after) {
        long[] shape = {1, 1, 1, 1, 1};
        shape[2 + axis] = size;
        int[] amounts = new int[6];
        amounts[2 * axis] = before;
        amounts[2 * axis + 1] = after;
        int padded = before + size + after;
        float[] expected = new float[padded];
        float[] expectedGradient = new float[size];
        for (int j = 0; j < padded; j++) {
            int source = (int) mode.source(j - before, size);
            expected[j] = 10 + source;
            expectedGradient[source] += j + 1;                 // upstream gradient j + 1 at output j
        }
        NDArray x = m.arange(10f, 10f + size, 1f).reshape(new Shape(shape));
        x.setRequiresGradient(true);
        long[] outShape = shape.clone();
        outShape[2 + axis] = padded;
        NDArray upstream = m.arange(1f, padded + 1f, 1f).reshape(new Shape(outShape));
        String what = mode + " axis " + axis + " size " + size + " by " + before + ", " + after;
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray out = Padding.pad(x, mode, amounts);
            assertArrayEquals(expected, out.toFloatArray(), what);
            gc.backward(out.mul(upstream).sum());
        }
        assertArrayEquals(expectedGradient, x.getGradient().toFloatArray(), what);
    }

    private static float[] gradientOfSum(NDArray x, PaddingMode mode, int... amounts) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = x.getManager().getEngine().newGradientCollector()) {
            gc.backward(Padding.pad(x, mode, amounts).sum());
        }
        return x.getGradient().toFloatArray();
    }

    @Test
    void reflectPaddedConvolutionOfAConstantImageHasNoBorder() {
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(31);
                Shape shape = rank == SpatialRank.TWO ? new Shape(1, 2, 6, 5) : new Shape(1, 2, 4, 6, 5);
                NDArray constant = m.full(shape, 0.7f);
                NDArray reflected = run(rank.sameConvolution(3, 3, PaddingMode.REFLECT), constant);
                assertEquals(new Shape(rank == SpatialRank.TWO ? new long[] {1, 3, 6, 5} : new long[] {1, 3, 4, 6, 5}),
                        reflected.getShape());
                assertEquals(0f, spread(reflected), 1e-5f, rank + ": every position sees the constant neighbourhood");
                NDArray zeros = run(rank.sameConvolution(3, 3, PaddingMode.ZEROS), constant);
                assertTrue(spread(zeros) > 1e-3f, rank + ": zero padding changes the border");
            }
        }
    }

    /** Per output channel, the largest difference between two positions. */
    private static float spread(NDArray out) {
        NDArray flat = out.reshape(out.getShape().get(0), out.getShape().get(1), -1);   // (B, C, positions)
        return flat.max(new int[] {2}).sub(flat.min(new int[] {2})).max().getFloat();
    }

    private static NDArray run(Block block, NDArray x) {
        block.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void theBlockPadsAsTheFunctionAndReportsItsOutputShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray video = m.arange(0f, 60f, 1f).reshape(1, 1, 3, 4, 5);
            Padding causal = Padding.builder().setMode(PaddingMode.REPLICATE).setAmounts(2, 0, 1, 1, 1, 1).build();
            assertEquals(new Shape(1, 1, 5, 6, 7), causal.getOutputShapes(new Shape[] {video.getShape()})[0]);
            assertEquals(Padding.pad(video, PaddingMode.REPLICATE, 2, 0, 1, 1, 1, 1), run(causal, video));
            Padding uniform = Padding.builder().setMode(PaddingMode.REFLECT).setUniformAmount(SpatialRank.THREE, 1).build();
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, uniform.amounts());
            assertEquals(Padding.uniform(video, PaddingMode.REFLECT, 1), run(uniform, video));
        }
    }

    @Test
    void badAmountsAndRanksSayWhatToChange() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray image = m.zeros(new Shape(1, 1, 3, 8));
            IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class,
                    () -> Padding.pad(image, PaddingMode.REFLECT, 3, 0, 1, 1));
            assertTrue(tooWide.getMessage().contains("axis H of images (1, 1, 3, 8) has size 3, got before 3 and after 0 "
                    + "(at most 2 allowed)") && tooWide.getMessage().contains("PaddingMode.REPLICATE"), tooWide.getMessage());
            assertEquals(new Shape(1, 1, 6, 10), Padding.pad(image, PaddingMode.REPLICATE, 3, 0, 1, 1).getShape());
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> Padding.pad(m.zeros(new Shape(3, 8)), PaddingMode.REFLECT, 1, 1, 1, 1));
            assertTrue(rank.getMessage().contains("expects images (B, C, H, W) or videos (B, C, T, H, W), got shape (3, 8)"),
                    rank.getMessage());
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> Padding.pad(image, PaddingMode.REFLECT, 1, 1));
            assertTrue(count.getMessage().contains("needs 4 amounts"), count.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Padding.pad(image, PaddingMode.REFLECT, 1, -1, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> Padding.builder().setAmounts(1, 1, 1, 1).build());
            assertThrows(IllegalArgumentException.class,
                    () -> Padding.builder().setMode(PaddingMode.REFLECT).setAmounts(1, 1, 1).build());
        }
    }
}
