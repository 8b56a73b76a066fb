package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ResamplingTest {

    private static NDArray run(Block block, NDArray x) {
        block.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void nearestCopiesEachPixelIntoATwoByTwoSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            NDArray up = Upsample.nearest(x);
            NDArray expected = m.create(new float[] {
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6}, new Shape(1, 1, 4, 6));
            assertEquals(expected, up);
        }
    }

    @Test
    void nearestKeepsBatchesAndChannelsApart() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, 2 * 3 * 4 * 5, 1f).reshape(2, 3, 4, 5);
            NDArray up = Upsample.nearest(x);
            assertEquals(new Shape(2, 3, 8, 10), up.getShape());
            // out[b, c, i, j] = x[b, c, i / 2, j / 2]
            assertEquals(x.get(new NDIndex("1, 2, 3, 4")).getFloat(), up.get(new NDIndex("1, 2, 7, 9")).getFloat());
            assertEquals(x.get(new NDIndex("1, 0, 2, 1")).getFloat(), up.get(new NDIndex("1, 0, 4, 3")).getFloat());
            assertEquals(x, up.get(new NDIndex(":, :, ::2, ::2")));
            assertEquals(x, up.get(new NDIndex(":, :, 1::2, 1::2")));
        }
    }

    @Test
    void nearestForTrainingAndForEvaluationAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(2, 3, 5, 4));
            NDArray evaluation = Upsample.nearest(x);
            NDArray training;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                training = Upsample.nearest(x);
            }
            assertEquals(evaluation, training);
            assertEquals(new Shape(2, 3, 10, 8), evaluation.getShape());
        }
    }

    @Test
    void nearestGradientSumsTheFourCopiesOfEachPixel() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            NDArray upstream = m.randomNormal(new Shape(2, 3, 8, 6));          // d loss / d output
            NDArray expected = upstream.reshape(2, 3, 4, 2, 3, 2).sum(new int[] {3, 5});
            NDArray x = m.randomNormal(new Shape(2, 3, 4, 3));
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(Upsample.nearest(x).mul(upstream).sum());
            }
            assertEquals(0f, x.getGradient().sub(expected).abs().max().getFloat(), 1e-5f);
        }
    }

    @Test
    void upsampleDoublesHeightAndWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = run(Upsample.builder().setChannels(4).build(), m.ones(new Shape(2, 4, 3, 5)));
            assertEquals(new Shape(2, 4, 6, 10), y.getShape());
        }
    }

    @Test
    void downsampleHalvesAndItsWindowsStartAtTheTopLeftPixel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, 2 * 1 * 6 * 6, 1f).reshape(2, 1, 6, 6);
            Downsample down = Downsample.builder().setChannels(1).build();
            down.initialize(m, DataType.FLOAT32, x.getShape());
            // a kernel that picks the window's top-left tap: with VQGAN's (0, 1, 0, 1) padding the
            // windows start at pixel (0, 0), so the output is x[::2, ::2]
            NDArray kernel = m.zeros(new Shape(1, 1, 3, 3));
            kernel.set(new NDIndex("0, 0, 0, 0"), 1f);
            TestParameters.named(down, "conv_weight").getArray().set(kernel.toFloatArray());
            NDArray y = down.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 1, 3, 3), y.getShape());
            assertEquals(x.get(new NDIndex(":, :, ::2, ::2")), y);
        }
    }

    @Test
    void downsampleUsesTheZeroPaddingOnlyAtTheBottomAndRight() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 1, 4, 4));
            Downsample down = Downsample.builder().setChannels(1).build();
            down.initialize(m, DataType.FLOAT32, x.getShape());
            TestParameters.named(down, "conv_weight").getArray().set(m.ones(new Shape(9)).toFloatArray());
            NDArray y = down.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            // window (0, 0) lies inside the image: 9 ones; the last row/column of windows reach the padding
            assertEquals(m.create(new float[] {9, 6, 6, 4}, new Shape(1, 1, 2, 2)), y);
        }
    }

    @Test
    void wrongChannelsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            Downsample down = Downsample.builder().setChannels(8).build();
            assertThrows(IllegalArgumentException.class, () -> down.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8)));
            assertThrows(IllegalArgumentException.class, () -> Upsample.nearest(m.ones(new Shape(4, 4))));
            assertThrows(IllegalArgumentException.class, () -> Upsample.builder().build());
        }
    }
}
