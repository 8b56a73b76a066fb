package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.tokenlab.nn.BlockRuns.clip;
import static org.tokenlab.nn.BlockRuns.maxDifference;
import static org.tokenlab.nn.BlockRuns.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.train.Checkpoint;

/** 2D kernels inflated into 3D ones: what a 3D convolution then computes on clips of one repeated frame. */
class InflationTest {

    @TempDir
    Path dir;

    /** A 3x3 Conv2d and a 3x3x3 Conv3d with the given padding, the 3D one inflated from the 2D one. */
    private static Block[] pair(NDManager m, Inflation inflation, int padding, Shape frameShape, int frames) {
        Block flat = Conv2d.builder().setFilters(5).setKernelShape(new Shape(3, 3)).optPadding(new Shape(padding, padding))
                .build();
        flat.initialize(m, DataType.FLOAT32, frameShape);
        Block video = Conv3d.builder().setFilters(5).setKernelShape(new Shape(3, 3, 3))
                .optPadding(new Shape(padding, padding, padding)).build();
        long[] s = frameShape.getShape();
        video.initialize(m, DataType.FLOAT32, new Shape(s[0], s[1], frames, s[2], s[3]));
        Map<String, NDArray> stored = Map.of("weight", flat.getParameters().get("weight").getArray(),
                "bias", flat.getParameters().get("bias").getArray());
        for (String name : stored.keySet()) {
            NDArray target = video.getParameters().get(name).getArray();
            target.set(new NDIndex(":"), inflation.remap().tensorFor(name, target.getShape(), stored));
        }
        return new Block[] {flat, video};
    }

    @Test
    void centralInflationComputesTheTwoDimensionalConvolutionOnEveryFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(41);
            Shape frameShape = new Shape(2, 3, 6, 7);
            Block[] conv = pair(m, Inflation.CENTRAL, 1, frameShape, 4);          // zero padding 1 on every axis
            NDArray frame = m.randomNormal(frameShape);
            NDArray expected = run(conv[0], frame);                                // (2, 5, 6, 7)
            NDArray out = run(conv[1], clip(frame, 4));                            // (2, 5, 4, 6, 7)
            for (int t = 0; t < 4; t++) {                                          // border frames too: zero slots add 0
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f, "frame " + t);
            }
            NDArray kernel = conv[1].getParameters().get("weight").getArray();
            assertEquals(0f, kernel.get(new NDIndex(":, :, 0")).abs().sum().getFloat());
            assertEquals(0f, kernel.get(new NDIndex(":, :, 2")).abs().sum().getFloat());
        }
    }

    @Test
    void averageInflationComputesTheTwoDimensionalConvolutionAtInteriorFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(42);
            Shape frameShape = new Shape(2, 3, 6, 7);
            Block[] conv = pair(m, Inflation.AVERAGE, 1, frameShape, 4);
            NDArray frame = m.randomNormal(frameShape);
            NDArray expected = run(conv[0], frame);
            NDArray out = run(conv[1], clip(frame, 4));
            for (int t = 1; t < 3; t++) {                                          // kt equal slices / kt
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f, "frame " + t);
            }
            // at the first and last frame the zero time padding stands in for a third of the window
            assertTrue(maxDifference(expected, out.get(new NDIndex(":, :, 0"))) > 1e-3f);
        }
    }

    @Test
    void averageInflationKeepsTheConstantResponseOfAReflectPaddedClip() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(43);
            Shape frameShape = new Shape(1, 3, 5, 5);
            Block[] conv = pair(m, Inflation.AVERAGE, 0, frameShape, 4);          // padding done by Padding
            NDArray frame = m.full(frameShape, -0.4f);
            NDArray expected = run(conv[0], Padding.uniform(frame, PaddingMode.REFLECT, 1));      // (1, 5, 5, 5)
            NDArray out = run(conv[1], Padding.uniform(clip(frame, 4), PaddingMode.REFLECT, 1));  // (1, 5, 4, 5, 5)
            for (int t = 0; t < 4; t++) {
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f, "frame " + t);
            }
        }
    }

    @Test
    void aResidualBlockInflatedThroughACheckpointIsTheTwoDimensionalBlockOnEveryFrame() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(44);
            ResidualBlock flat = ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2).build();
            ResidualBlock video = ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2)
                    .optSpatialRank(SpatialRank.THREE).build();
            NDArray frame = m.randomNormal(new Shape(2, 4, 6, 5));
            NDArray expected = run(flat, frame);                                   // (2, 8, 6, 5)
            Path file = dir.resolve("flat.ckpt");
            Checkpoint.save(file, flat, Map.of("type", "flat"));
            video.initialize(m, DataType.FLOAT32, new Shape(2, 4, 5, 6, 5));
            Checkpoint.load(file, video, m, Inflation.CENTRAL.remap());
            // the 1x1 shortcut (8, 4, 1, 1) became (8, 4, 1, 1, 1); norms and biases were copied
            assertEquals(new Shape(8, 4, 1, 1, 1), video.getParameters().get("05shortcut_weight").getArray().getShape());
            NDArray out = run(video, clip(frame, 5));                              // (2, 8, 5, 6, 5)
            // GroupNorm over (C, T, H, W) of identical frames has the statistics of one frame
            for (int t = 0; t < 5; t++) {
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f, "frame " + t);
            }
        }
    }

    /**
     * A reflect-padded 3D encoder (time halved once) loaded through {@code inflation} from the checkpoint of
     * a reflect-padded 2D encoder, and the largest difference per latent frame between its features of a
     * still clip (one random frame 4 times) and the 2D encoder's features of that frame.
     */
    private float[] stillClipGaps(NDManager m, Inflation inflation, int seed) throws Exception {
        m.getEngine().setRandomSeed(seed);
        VqganEncoder flat = VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                .optPadding(PaddingMode.REFLECT).build();
        flat.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
        Path file = dir.resolve("reflect2d-" + inflation + ".ckpt");
        Checkpoint.save(file, flat, Map.of("padding", "reflect"));
        VqganEncoder video = ReflectPaddedModelsTest.encoder(SpatialRank.THREE, PaddingMode.REFLECT);
        video.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 16, 16));
        Checkpoint.load(file, video, m, inflation.remap());
        NDArray frame = m.randomUniform(-1, 1, new Shape(1, 1, 16, 16));
        NDArray expected = run(flat, frame);                                      // (1, 4, 4, 4)
        NDArray features = run(video, clip(frame, 4));                            // (1, 4, 2, 4, 4)
        assertEquals(new Shape(1, 4, 2, 4, 4), features.getShape());
        float[] gaps = new float[2];
        for (int t = 0; t < 2; t++) {
            gaps[t] = maxDifference(expected, features.get(new NDIndex(":, :, " + t)));
        }
        return gaps;
    }

    @Test
    void aCentrallyInflatedReflectEncoderGivesTheTwoDimensionalFeaturesOfEveryFrameOfAStillClip() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] gaps = stillClipGaps(m, Inflation.CENTRAL, 45);
            for (int t = 0; t < gaps.length; t++) {                               // the zero slots add nothing
                assertEquals(0f, gaps[t], 1e-4f, "latent frame " + t);
            }
        }
    }

    @Test
    void withReflectPaddingAverageInflationDoesToo() throws Exception {
        // reflected in time, a still clip shows every window the same frame kt times, the border too, so the
        // kt slots of kernel / kt sum to the kernel everywhere; with zero padding the first and last frames
        // lose a slot (averageInflationComputesTheTwoDimensionalConvolutionAtInteriorFrames)
        try (NDManager m = NDManager.newBaseManager()) {
            float[] gaps = stillClipGaps(m, Inflation.AVERAGE, 46);
            for (int t = 0; t < gaps.length; t++) {
                assertEquals(0f, gaps[t], 1e-4f, "latent frame " + t);
            }
        }
    }

    @Test
    void shapesThatDoNotFitNameTheParameterAndBothShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray kernel = m.zeros(new Shape(8, 4, 3, 3));
            IllegalArgumentException wider = assertThrows(IllegalArgumentException.class, () -> Inflation.CENTRAL.remap()
                    .tensorFor("02conv1_weight", new Shape(8, 4, 3, 5, 5), Map.of("02conv1_weight", kernel)));
            assertTrue(wider.getMessage().contains("parameter '02conv1_weight' of shape (8, 4, 3, 5, 5) from the stored "
                    + "shape (8, 4, 3, 3)") && wider.getMessage().contains("Checkpoint.Remap"), wider.getMessage());
            IllegalArgumentException bias = assertThrows(IllegalArgumentException.class,
                    () -> Inflation.AVERAGE.inflate(m.zeros(new Shape(8)), new Shape(16)));
            assertTrue(bias.getMessage().contains("(16,) from the stored shape (8,)"), bias.getMessage());
            assertEquals(null, Inflation.CENTRAL.remap().tensorFor("missing", new Shape(8), Map.of()));
            NDArray average = Inflation.AVERAGE.inflate(m.ones(new Shape(1, 1, 1, 1)), new Shape(1, 1, 4, 1, 1));
            assertEquals(m.full(new Shape(1, 1, 4, 1, 1), 0.25f), average);
        }
    }
}
