package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.train.Checkpoint;

/** The VQGAN encoder and decoder built with {@code optSpatialRank(THREE)}: MAGVIT's 3D form. */
class VideoEncoderDecoderTest {

    static VqganEncoder encoder3d(boolean... temporal) {
        return VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                .optSpatialRank(SpatialRank.THREE).optTemporalDownsampling(temporal).build();
    }

    static VqganDecoder decoder3d(boolean... temporal) {
        return VqganDecoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                .optSpatialRank(SpatialRank.THREE).optTemporalDownsampling(temporal).build();
    }

    @Test
    void clipsRoundTripThroughALatentGridShorterInTimeWhereTheScheduleSays() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder encoder = encoder3d(false, true);   // time halved once, at the second step
            VqganDecoder decoder = decoder3d(false, true);
            Shape clips = new Shape(2, 1, 8, 16, 16);
            encoder.initialize(m, DataType.FLOAT32, clips);
            Shape latents = encoder.getOutputShapes(new Shape[] {clips})[0];
            assertEquals(new Shape(2, 4, 4, 4, 4), latents);
            assertEquals(2, encoder.temporalFactor());
            decoder.initialize(m, DataType.FLOAT32, latents);
            assertEquals(clips, decoder.getOutputShapes(new Shape[] {latents})[0]);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z = encoder.forward(ps, new NDList(m.randomUniform(-1, 1, clips)), false).singletonOrThrow();
            assertEquals(latents, z.getShape());
            NDArray back = decoder.forward(ps, new NDList(z), false).singletonOrThrow();
            assertEquals(clips, back.getShape());
            assertEquals(new Shape(1, 8, 3, 3, 3), decoder.lastLayerWeight().getShape(), "a 3x3x3 kernel");
        }
    }

    @Test
    void withoutATemporalScheduleOnlySpaceShrinks() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder encoder = VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                    .optChannelMultipliers(1, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                    .optSpatialRank(SpatialRank.THREE).build();
            Shape clips = new Shape(1, 1, 3, 8, 8);
            encoder.initialize(m, DataType.FLOAT32, clips);
            assertEquals(new Shape(1, 4, 3, 4, 4), encoder.getOutputShapes(new Shape[] {clips})[0]);
            assertEquals(1, encoder.temporalFactor());
        }
    }

    @Test
    void aClipWhoseLengthTheScheduleCannotHalveIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder encoder = encoder3d(true, true);   // temporal factor 4
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 6, 16, 16)));
            assertTrue(e.getMessage().contains("T a multiple of 4") && e.getMessage().contains("(1, 1, 6, 16, 16)"),
                    e.getMessage());
        }
    }

    @Test
    void optionsThatDoNotFitTheRankAreExplained() {
        IllegalArgumentException temporalIn2d = assertThrows(IllegalArgumentException.class,
                () -> VqganDecoder.builder().setImageChannels(1).setLatentChannels(4).optTemporalDownsampling(true, true).build());
        assertTrue(temporalIn2d.getMessage().contains("needs optSpatialRank(THREE)"), temporalIn2d.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> encoder3d(true));
        assertTrue(length.getMessage().contains("(2 for 3 levels), got [true]"), length.getMessage());
    }

    @Test
    void aCentrallyInflatedEncoderGivesTheTwoDimensionalFeaturesOfEveryFrameOfAStillClip(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            VqganEncoder flat = VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                    .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).build();   // with attention
            flat.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            Path file = dir.resolve("encoder2d.ckpt");
            Checkpoint.save(file, flat, Map.of("plan", "test"));
            VqganEncoder video = VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                    .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optSpatialRank(SpatialRank.THREE)
                    .build();   // time kept, attention frame by frame: every output frame has a 2D twin
            video.initialize(m, DataType.FLOAT32, new Shape(1, 1, 3, 16, 16));
            Checkpoint.load(file, video, m, Inflation.CENTRAL.remap());

            NDArray frame = m.randomUniform(-1, 1, new Shape(1, 1, 16, 16));
            NDArray still = frame.expandDims(2).repeat(2, 3);   // (1, 1, 3, 16, 16): one frame three times
            ParameterStore ps = new ParameterStore(m, false);
            NDArray expected = flat.forward(ps, new NDList(frame), false).singletonOrThrow();    // (1, 4, 4, 4)
            NDArray features = video.forward(ps, new NDList(still), false).singletonOrThrow(); // (1, 4, 3, 4, 4)
            assertEquals(new Shape(1, 4, 3, 4, 4), features.getShape());
            for (int t = 0; t < 3; t++) {
                float gap = features.get(":, :, " + t).sub(expected).abs().max().getFloat();
                assertTrue(gap < 1e-4f, "frame " + t + " differs from the 2D features by " + gap);
            }
        }
    }
}
