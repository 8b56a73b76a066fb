package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.tokenlab.nn.BlockRuns.clip;
import static org.tokenlab.nn.BlockRuns.maxDifference;
import static org.tokenlab.nn.BlockRuns.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The shared blocks in 3D ({@code (B, C, T, H, W)}), checked against their 2D forms and hand computations. */
class ThreeDimensionalBlocksTest {

    /** Gives the initialized 3D block the 2D block's parameters through {@link Inflation#CENTRAL}. */
    private static void inflate(Block from2d, Block to3d) {
        assertEquals(from2d.getParameters().keys(), to3d.getParameters().keys());
        for (String key : from2d.getParameters().keys()) {
            NDArray target = to3d.getParameters().get(key).getArray();
            try (NDArray inflated = Inflation.CENTRAL.inflate(from2d.getParameters().get(key).getArray(), target.getShape())) {
                target.set(new NDIndex(":"), inflated);
            }
        }
    }

    @Test
    void parameterNamesAreTheSameInBothRanksAndAsBefore() {
        assertNames(List.of("01norm1_gamma", "01norm1_beta", "02conv1_weight", "02conv1_bias", "03norm2_gamma",
                        "03norm2_beta", "04conv2_weight", "04conv2_bias", "05shortcut_weight", "05shortcut_bias"),
                r -> ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2).optSpatialRank(r).build());
        assertNames(List.of("01conv_weight", "01conv_bias"),
                r -> Downsample.builder().setChannels(4).optSpatialRank(r).build());
        assertNames(List.of("01conv_weight", "01conv_bias"),
                r -> Upsample.builder().setChannels(4).optSpatialRank(r).build());
    }

    private static void assertNames(List<String> expected, java.util.function.Function<SpatialRank, Block> make) {
        assertEquals(expected, make.apply(SpatialRank.TWO).getParameters().keys());
        assertEquals(expected, make.apply(SpatialRank.THREE).getParameters().keys());
    }

    @Test
    void twoDimensionalIsTheDefault() {
        assertSameOutput(() -> ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2).build(),
                () -> ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2)
                        .optSpatialRank(SpatialRank.TWO).build(), new Shape(2, 4, 6, 5));
        assertSameOutput(() -> Downsample.builder().setChannels(4).build(),
                () -> Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.TWO).optFactors(2, 2).build(),
                new Shape(2, 4, 7, 6));
        assertSameOutput(() -> Upsample.builder().setChannels(4).build(),
                () -> Upsample.builder().setChannels(4).optSpatialRank(SpatialRank.TWO).optFactors(2, 2).build(),
                new Shape(2, 4, 3, 5));
    }

    private static void assertSameOutput(Supplier<Block> implicit, Supplier<Block> explicit, Shape in) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(21);
            NDArray x = m.randomNormal(in);
            NDArray a = run(implicit.get(), x);
            m.getEngine().setRandomSeed(21);
            m.randomNormal(in);
            NDArray b = run(explicit.get(), x);
            assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        }
    }

    @Test
    void residualBlockOnAClipOfIdenticalFramesIsTheTwoDimensionalBlockPerFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(22);
            ResidualBlock flat = ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2).build();
            ResidualBlock video = ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2)
                    .optSpatialRank(SpatialRank.THREE).build();
            NDArray frame = m.randomNormal(new Shape(2, 4, 6, 5));
            NDArray expected = run(flat, frame);                                   // (2, 8, 6, 5)
            video.initialize(m, DataType.FLOAT32, new Shape(2, 4, 3, 6, 5));
            inflate(flat, video);
            NDArray out = run(video, clip(frame, 3));                              // (2, 8, 3, 6, 5)
            assertEquals(new Shape(2, 8, 3, 6, 5), out.getShape());
            for (int t = 0; t < 3; t++) {
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f);
            }
        }
    }

    @Test
    void residualBlockMixesNeighbouringFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(23);
            ResidualBlock video = ResidualBlock.builder().setInChannels(4).optGroups(2).optSpatialRank(SpatialRank.THREE).build();
            NDArray x = m.randomNormal(new Shape(1, 4, 4, 5, 5));
            NDArray changed = x.duplicate();
            changed.set(new NDIndex(":, :, 3"), 0f);                              // only the last frame differs
            NDArray a = run(video, x);
            NDArray b = video.forward(new ParameterStore(m, false), new NDList(changed), false).singletonOrThrow();
            // through the norms every frame changes a little; frame 2 sees frame 3 through both 3x3x3 kernels
            assertTrue(maxDifference(a.get(new NDIndex(":, :, 2")), b.get(new NDIndex(":, :, 2"))) > 1e-3f);
        }
    }

    @Test
    void groupNormOnVideosNormalizesOverChannelsTimeAndSpaceOfEachGroup() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(24);
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 2, 5)).mul(3).add(1);
            NDArray out = run(GroupNorm.builder().setGroups(2).setChannels(4).build(), x);
            // by hand: each sample's group of 2 channels x 3 frames x 2 x 5 positions = 60 values
            float[] values = x.toFloatArray();
            float[] expected = new float[values.length];
            int perGroup = 60;
            for (int start = 0; start < values.length; start += perGroup) {
                double mean = 0;
                for (int i = start; i < start + perGroup; i++) {
                    mean += values[i];
                }
                mean /= perGroup;
                double variance = 0;
                for (int i = start; i < start + perGroup; i++) {
                    variance += (values[i] - mean) * (values[i] - mean);
                }
                variance /= perGroup;                                               // biased, as group_norm
                for (int i = start; i < start + perGroup; i++) {
                    expected[i] = (float) ((values[i] - mean) / Math.sqrt(variance + 1e-6));
                }
            }
            assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void downsampleHalvesTheChosenAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2, 4, 5, 7, 6));
            Downsample space = Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).optFactors(1, 2, 2).build();
            assertEquals(new Shape(2, 4, 5, 3, 3), run(space, x).getShape());
            Downsample all = Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).build();
            assertEquals(new Shape(2, 4, 2, 3, 3), run(all, x).getShape());
            assertArrayEquals(new int[] {2, 2, 2}, all.factors());
            Downsample time = Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).optFactors(2, 1, 1).build();
            assertEquals(new Shape(2, 4, 2, 7, 6), run(time, x).getShape());
        }
    }

    @Test
    void downsampleInSpaceOnlyIsTheTwoDimensionalDownsamplePerFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(25);
            Downsample flat = Downsample.builder().setChannels(4).build();
            Downsample video = Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).optFactors(1, 2, 2).build();
            NDArray frames = m.randomNormal(new Shape(2, 4, 3, 8, 7));             // three different frames
            flat.initialize(m, DataType.FLOAT32, new Shape(2, 4, 8, 7));
            video.initialize(m, DataType.FLOAT32, frames.getShape());
            inflate(flat, video);
            NDArray out = run(video, frames);                                      // (2, 4, 3, 4, 3)
            for (int t = 0; t < 3; t++) {
                NDArray expected = run(flat, frames.get(new NDIndex(":, :, " + t)));
                assertEquals(0f, maxDifference(expected, out.get(new NDIndex(":, :, " + t))), 1e-5f);
            }
        }
    }

    @Test
    void nearestInThreeDimensionsRepeatsTheChosenAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 1, 2));   // frames [1 2], [3 4]
            NDArray space = Upsample.nearest(x, 1, 2, 2);
            assertEquals(m.create(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, new Shape(1, 1, 2, 2, 4)), space);
            NDArray all = Upsample.nearest(x, 2, 2, 2);
            assertEquals(new Shape(1, 1, 4, 2, 4), all.getShape());
            assertEquals(space.get(new NDIndex(":, :, 0")), all.get(new NDIndex(":, :, 1")));
            assertEquals(space.get(new NDIndex(":, :, 1")), all.get(new NDIndex(":, :, 2")));
            NDArray images = m.arange(0f, 24f, 1f).reshape(1, 2, 3, 4);
            assertEquals(Upsample.nearest(images), Upsample.nearest(images, 2, 2));
        }
    }

    @Test
    void nearestInThreeDimensionsSumsTheGradientOfTheCopies() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(26);
            NDArray upstream = m.randomNormal(new Shape(1, 2, 4, 6, 4));
            NDArray expected = upstream.reshape(1, 2, 2, 2, 3, 2, 2, 2).sum(new int[] {3, 5, 7});
            NDArray x = m.randomNormal(new Shape(1, 2, 2, 3, 2));
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(Upsample.nearest(x, 2, 2, 2).mul(upstream).sum());
            }
            assertEquals(0f, maxDifference(x.getGradient(), expected), 1e-5f);
        }
    }

    @Test
    void upsampleDoublesTheChosenAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2, 4, 3, 5, 2));
            Upsample space = Upsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).optFactors(1, 2, 2).build();
            assertEquals(new Shape(2, 4, 3, 10, 4), run(space, x).getShape());
            Upsample all = Upsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).build();
            assertEquals(new Shape(2, 4, 6, 10, 4), run(all, x).getShape());
        }
    }

    @Test
    void wrongRanksAndFactorsSayWhatToChange() {
        IllegalArgumentException factors = assertThrows(IllegalArgumentException.class,
                () -> Downsample.builder().setChannels(4).optSpatialRank(SpatialRank.THREE).optFactors(2, 2).build());
        assertTrue(factors.getMessage().contains("one factor per spatial axis of (B, C, T, H, W)"), factors.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Upsample.builder().setChannels(4).optFactors(3, 3).build());
        assertThrows(IllegalArgumentException.class, () -> Upsample.builder().setChannels(4).optFactors(1, 1).build());
        try (NDManager m = NDManager.newBaseManager()) {
            ResidualBlock video = ResidualBlock.builder().setInChannels(4).optGroups(2).optSpatialRank(SpatialRank.THREE).build();
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> video.initialize(m, DataType.FLOAT32, new Shape(2, 4, 6, 6)));
            assertTrue(rank.getMessage().contains("videos (B, C, T, H, W)") && rank.getMessage().contains("(2, 4, 6, 6)")
                    && rank.getMessage().contains("optSpatialRank"), rank.getMessage());
        }
    }
}
