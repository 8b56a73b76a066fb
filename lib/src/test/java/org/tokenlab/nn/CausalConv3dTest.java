package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class CausalConv3dTest {

    /** {@code x} with every frame after {@code t} replaced by noise. */
    static NDArray withFutureChanged(NDArray x, int t) {
        NDArray changed = x.duplicate();
        long frames = x.getShape().get(2);
        if (t + 1 < frames) {
            Shape future = new Shape(x.getShape().get(0), x.getShape().get(1), frames - t - 1, x.getShape().get(3),
                    x.getShape().get(4));
            changed.set(new NDIndex(":, :, {}:", t + 1), x.getManager().randomNormal(future).mul(5));
        }
        return changed;
    }

    static NDArray frames(NDArray y, long from, long to) {
        return y.get(new NDIndex(":, :, {}:{}", from, to));
    }

    @Test
    void outputFrameDependsOnlyOnInputFramesUpToIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            for (PaddingMode time : new PaddingMode[] {PaddingMode.REPLICATE, PaddingMode.ZEROS}) {
                CausalConv3d conv = CausalConv3d.builder().setFilters(3).optTimePadding(time)
                        .optSpatialPadding(PaddingMode.REFLECT).build();
                NDArray x = m.randomNormal(new Shape(2, 2, 9, 5, 5));
                NDArray y = BlockRuns.run(conv, x);
                assertEquals(new Shape(2, 3, 9, 5, 5), y.getShape());
                for (int t = 0; t < 9; t++) {
                    NDArray changed = BlockRuns.run(conv, withFutureChanged(x, t));
                    assertEquals(0f, BlockRuns.maxDifference(frames(y, 0, t + 1), frames(changed, 0, t + 1)), 1e-6f,
                            time + ": frames 0.." + t);
                    if (t + 1 < 9) {
                        assertTrue(BlockRuns.maxDifference(frames(y, t + 1, 9), frames(changed, t + 1, 9)) > 1e-3f,
                                "the changed frames do reach the later outputs");
                    }
                }
            }
        }
    }

    @Test
    void stridedOutputFrameJDependsOnlyOnInputFramesUpToSj() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(12);
            CausalConv3d conv = CausalConv3d.builder().setFilters(2).optStride(2, 1, 1).build();
            NDArray x = m.randomNormal(new Shape(1, 2, 9, 4, 4));
            NDArray y = BlockRuns.run(conv, x);
            assertEquals(new Shape(1, 2, 5, 4, 4), y.getShape());   // 1 + 2*4 frames -> 1 + 4
            for (int j = 0; j < 5; j++) {
                NDArray changed = BlockRuns.run(conv, withFutureChanged(x, 2 * j));
                assertEquals(0f, BlockRuns.maxDifference(frames(y, 0, j + 1), frames(changed, 0, j + 1)), 1e-6f,
                        "output frames 0.." + j + " with input frames after " + 2 * j + " changed");
            }
        }
    }

    /** A 1x1-pixel, one-channel clip through the temporal kernel (oldest, previous, current) = (1, 10, 100). */
    private static float[] temporal(NDManager m, PaddingMode time, int stride, float... frames) {
        CausalConv3d conv = CausalConv3d.builder().setFilters(1).optKernelSize(3, 1, 1).optStride(stride, 1, 1)
                .optTimePadding(time).build();
        NDArray x = m.create(frames, new Shape(1, 1, frames.length, 1, 1));
        conv.initialize(m, DataType.FLOAT32, x.getShape());
        TestParameters.named(conv, "weight").getArray().set(new float[] {1, 10, 100});
        TestParameters.named(conv, "bias").getArray().set(new float[] {0});
        return BlockRuns.run(conv, x).toFloatArray();
    }

    @Test
    void handComputedCausalPaddingInTime() {
        try (NDManager m = NDManager.newBaseManager()) {
            // replicate: [1 1 | 1 2 3]: 1 + 10 + 100, 1 + 10 + 200, 1 + 20 + 300
            assertArrayEquals(new float[] {111, 211, 321}, temporal(m, PaddingMode.REPLICATE, 1, 1, 2, 3));
            // zeros: [0 0 | 1 2 3]: 100, 10 + 200, 1 + 20 + 300
            assertArrayEquals(new float[] {100, 210, 321}, temporal(m, PaddingMode.ZEROS, 1, 1, 2, 3));
            // stride 2, 1 + 2*1 frames: the windows end at frames 0 and 2
            assertArrayEquals(new float[] {111, 321}, temporal(m, PaddingMode.REPLICATE, 2, 1, 2, 3));
            assertArrayEquals(new float[] {111, 321, 543}, temporal(m, PaddingMode.REPLICATE, 2, 1, 2, 3, 4, 5));
        }
    }

    @Test
    void handComputedSpatialPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 1, 2, 2));
            // replicate pads [[1 2] [3 4]] to rows [1 1 2 2] [1 1 2 2] [3 3 4 4] [3 3 4 4]; ones sum each 3x3 window
            assertArrayEquals(new float[] {18, 21, 24, 27}, spatialSums(x, PaddingMode.REPLICATE));
            assertArrayEquals(new float[] {10, 10, 10, 10}, spatialSums(x, PaddingMode.ZEROS));
        }
    }

    private static float[] spatialSums(NDArray x, PaddingMode spatial) {
        CausalConv3d conv = CausalConv3d.builder().setFilters(1).optKernelSize(1, 3, 3).optSpatialPadding(spatial).build();
        conv.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        TestParameters.named(conv, "weight").getArray().set(x.getManager().ones(new Shape(9)).toFloatArray());
        TestParameters.named(conv, "bias").getArray().set(new float[] {0});
        return BlockRuns.run(conv, x).toFloatArray();
    }

    @Test
    void downsamplesOnePlusTwoKFramesToOnePlusK() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int frames : new int[] {1, 5, 9, 17}) {
                CausalConv3d down = CausalConv3d.builder().setFilters(4).optStride(2, 2, 2).build();
                NDArray y = BlockRuns.run(down, m.randomNormal(new Shape(2, 3, frames, 8, 8)));
                assertEquals(new Shape(2, 4, 1 + (frames - 1) / 2, 4, 4), y.getShape(), frames + " frames");
                assertEquals(y.getShape(), down.getOutputShapes(new Shape[] {new Shape(2, 3, frames, 8, 8)})[0]);
            }
        }
    }

    @Test
    void parametersHaveConv3dNamesAndShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalConv3d conv = CausalConv3d.builder().setFilters(6).optKernelSize(4, 3, 1).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 5, 4, 4));
            assertEquals(List.of("weight", "bias"), conv.getParameters().keys());
            assertEquals(new Shape(6, 2, 4, 3, 1), conv.getParameters().get("weight").getArray().getShape());
            assertEquals(Parameter.Type.WEIGHT, conv.getParameters().get("weight").getType());
            assertEquals(Parameter.Type.BIAS, conv.getParameters().get("bias").getType());
        }
    }

    @Test
    void gradientsReachInputAndParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalConv3d conv = CausalConv3d.builder().setFilters(2).optStride(2, 2, 2)
                    .optSpatialPadding(PaddingMode.REFLECT).build();
            NDArray x = m.randomNormal(new Shape(1, 2, 5, 4, 4));
            conv.initialize(m, DataType.FLOAT32, x.getShape());
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                gc.backward(y.sum());
            }
            assertTrue(x.getGradient().abs().sum().getFloat() > 0);
            assertTrue(conv.getParameters().get("weight").getArray().getGradient().abs().sum().getFloat() > 0);
        }
    }

    @Test
    void badFrameCountIsExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalConv3d down = CausalConv3d.builder().setFilters(2).optStride(2, 1, 1).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> down.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4, 4)));
            assertTrue(e.getMessage().contains("1 + 2*k") && e.getMessage().contains("got 4")
                    && e.getMessage().contains("use 3 or 5 frames"), e.getMessage());
            down.initialize(m, DataType.FLOAT32, new Shape(1, 2, 5, 4, 4));
            e = assertThrows(IllegalArgumentException.class, () -> BlockRuns.run(down, m.zeros(new Shape(1, 2, 8, 4, 4))));
            assertTrue(e.getMessage().contains("got 8") && e.getMessage().contains("7 or 9"), e.getMessage());
        }
    }

    @Test
    void badShapesAndOptionsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalConv3d conv = CausalConv3d.builder().setFilters(2).optStride(1, 2, 2).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4)));
            assertTrue(e.getMessage().contains("(B, C, T, H, W)") && e.getMessage().contains("expandDims(2)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 3, 5, 4)));
            assertTrue(e.getMessage().contains("H a multiple of 2, got 5"), e.getMessage());
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 3, 4, 4));
            e = assertThrows(IllegalArgumentException.class, () -> BlockRuns.run(conv, m.zeros(new Shape(1, 3, 3, 4, 4))));
            assertTrue(e.getMessage().contains("2 input channels") && e.getMessage().contains("(1, 3, 3, 4, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> CausalConv3d.builder().setFilters(2).optTimePadding(PaddingMode.REFLECT).build());
            assertTrue(e.getMessage().contains("future frames"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CausalConv3d.builder().setFilters(2).optKernelSize(3, 2, 3).build());
            assertThrows(IllegalArgumentException.class, () -> CausalConv3d.builder().optStride(2, 2, 2).build());
            assertThrows(IllegalArgumentException.class, () -> CausalConv3d.builder().setFilters(1).optStride(0, 1, 1).build());
        }
    }
}
