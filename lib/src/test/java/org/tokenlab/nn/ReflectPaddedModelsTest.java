package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.tokenlab.nn.BlockRuns.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.train.Checkpoint;

/** The {@code optPadding} option of the shared blocks and the VQGAN encoder and decoder (MAGVIT pads with reflection). */
class ReflectPaddedModelsTest {

    static VqganEncoder encoder(SpatialRank rank, PaddingMode padding) {
        VqganEncoder.Builder b = VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                .optSpatialRank(rank).optPadding(padding);
        return (rank == SpatialRank.THREE ? b.optTemporalDownsampling(false, true) : b).build();
    }

    static VqganDecoder decoder(SpatialRank rank, PaddingMode padding) {
        VqganDecoder.Builder b = VqganDecoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(4).optAttention(false)
                .optSpatialRank(rank).optPadding(padding);
        return (rank == SpatialRank.THREE ? b.optTemporalDownsampling(false, true) : b).build();
    }

    private static Shape clips(SpatialRank rank) {
        return rank == SpatialRank.TWO ? new Shape(2, 1, 16, 16) : new Shape(2, 1, 4, 16, 16);
    }

    private static Shape latents(SpatialRank rank) {
        return rank == SpatialRank.TWO ? new Shape(2, 4, 4, 4) : new Shape(2, 4, 2, 4, 4);
    }

    @Test
    void parameterNamesAndShapesDoNotDependOnThePadding() {
        for (SpatialRank rank : SpatialRank.values()) {
            assertSameParameters(p -> encoder(rank, p), clips(rank));
            assertSameParameters(p -> decoder(rank, p), latents(rank));
            Shape blockInput = rank == SpatialRank.TWO ? new Shape(1, 4, 6, 6) : new Shape(1, 4, 4, 6, 6);
            assertSameParameters(p -> ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2)
                    .optSpatialRank(rank).optPadding(p).build(), blockInput);
            assertSameParameters(p -> Downsample.builder().setChannels(4).optSpatialRank(rank).optPadding(p).build(), blockInput);
            assertSameParameters(p -> Upsample.builder().setChannels(4).optSpatialRank(rank).optPadding(p).build(), blockInput);
        }
        assertTrue(encoder(SpatialRank.TWO, PaddingMode.REFLECT).getParameters().keys().contains("01conv_in_weight"));
    }

    private static void assertSameParameters(Function<PaddingMode, Block> make, Shape input) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block zeros = make.apply(PaddingMode.ZEROS);
            zeros.initialize(m, DataType.FLOAT32, input);
            for (PaddingMode mode : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.REPLICATE}) {
                Block other = make.apply(mode);
                other.initialize(m, DataType.FLOAT32, input);
                assertEquals(zeros.getParameters().keys(), other.getParameters().keys(), mode.toString());
                for (String name : zeros.getParameters().keys()) {
                    Parameter z = zeros.getParameters().get(name);
                    Parameter o = other.getParameters().get(name);
                    assertEquals(z.getArray().getShape(), o.getArray().getShape(), name);
                    assertEquals(z.getType(), o.getType(), name);
                }
            }
        }
    }

    @Test
    void theSameSeedInitializesTheSameValuesWhateverThePadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder zeros = encoder(SpatialRank.THREE, PaddingMode.ZEROS);
            m.getEngine().setRandomSeed(61);
            zeros.initialize(m, DataType.FLOAT32, clips(SpatialRank.THREE));
            VqganEncoder reflect = encoder(SpatialRank.THREE, PaddingMode.REFLECT);
            m.getEngine().setRandomSeed(61);
            reflect.initialize(m, DataType.FLOAT32, clips(SpatialRank.THREE));
            for (String name : zeros.getParameters().keys()) {
                assertArrayEquals(zeros.getParameters().get(name).getArray().toFloatArray(),
                        reflect.getParameters().get(name).getArray().toFloatArray(), name);
            }
        }
    }

    @Test
    void aReflectModelLoadsTheCheckpointOfAZeroPaddedOne(@TempDir Path dir) throws Exception {
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(62);
                VqganDecoder zeros = decoder(rank, PaddingMode.ZEROS);
                zeros.initialize(m, DataType.FLOAT32, latents(rank));
                Path file = dir.resolve("decoder" + rank + ".ckpt");
                Checkpoint.save(file, zeros, Map.of("padding", "zeros"));
                VqganDecoder reflect = decoder(rank, PaddingMode.REFLECT);
                reflect.initialize(m, DataType.FLOAT32, latents(rank));
                Checkpoint.load(file, reflect, m, Checkpoint.Remap.IDENTITY);
                for (String name : zeros.getParameters().keys()) {
                    assertArrayEquals(zeros.getParameters().get(name).getArray().toFloatArray(),
                            reflect.getParameters().get(name).getArray().toFloatArray(), rank + " " + name);
                }
                // the same weights, another border: the outputs differ near the edges only
                NDArray z = m.randomNormal(latents(rank));
                NDArray a = run(zeros, z);
                NDArray b = run(reflect, z);
                assertTrue(BlockRuns.maxDifference(a, b) > 1e-4f, rank.toString());
            }
        }
    }

    @Test
    void everyConvolutionOfAReflectModelKeepsAConstantClipConstant() {
        // reflection adds no border, so each convolution (and GroupNorm) maps a constant to a constant per
        // channel: only if conv_in, every residual convolution, Downsample, Upsample and conv_out reflect
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(63);
                NDArray still = m.full(clips(rank), 0.3f);
                NDArray latents = run(encoder(rank, PaddingMode.REFLECT), still);
                assertEquals(latents(rank), latents.getShape());
                assertEquals(0f, spread(latents), 1e-4f, rank + " latents");
                assertEquals(0f, spread(run(decoder(rank, PaddingMode.REFLECT), latents)), 1e-4f, rank + " reconstruction");
                assertTrue(spread(run(encoder(rank, PaddingMode.ZEROS), still)) > 1e-3f, rank + ": zeros make a border");
            }
        }
    }

    /** Per sample and channel, the largest difference between two positions; the largest of those. */
    private static float spread(NDArray out) {
        NDArray flat = out.reshape(out.getShape().get(0), out.getShape().get(1), -1);
        return flat.max(new int[] {2}).sub(flat.min(new int[] {2})).max().getFloat();
    }

    @Test
    void aTrainingStepOfAReflectAutoencoderGivesEveryParameterAFiniteGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(64);
            VqganEncoder encoder = encoder(SpatialRank.THREE, PaddingMode.REFLECT);
            VqganDecoder decoder = decoder(SpatialRank.THREE, PaddingMode.REFLECT);
            Shape clips = clips(SpatialRank.THREE);
            encoder.initialize(m, DataType.FLOAT32, clips);
            decoder.initialize(m, DataType.FLOAT32, latents(SpatialRank.THREE));
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            encoder.getParameters().forEach(p -> parameters.put("encoder " + p.getKey(), p.getValue()));
            decoder.getParameters().forEach(p -> parameters.put("decoder " + p.getKey(), p.getValue()));
            parameters.values().forEach(p -> p.getArray().setRequiresGradient(true));
            NDArray x = m.randomUniform(-1, 1, clips);
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray z = encoder.forward(ps, new NDList(x), true).singletonOrThrow();
                NDArray back = decoder.forward(ps, new NDList(z), true).singletonOrThrow();
                gc.backward(back.sub(x).square().mean());
            }
            parameters.forEach((name, p) -> {
                float size = p.getArray().getGradient().abs().sum().getFloat();
                assertTrue(Float.isFinite(size), name + " has gradient of size " + size);
            });
            assertTrue(decoder.lastLayerWeight().getGradient().abs().sum().getFloat() > 0f);
        }
    }

    @Test
    void aNullPaddingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder(SpatialRank.TWO, null));
        assertTrue(e.getMessage().contains("optPadding"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResidualBlock.builder().setInChannels(4).optPadding(null).build());
        assertThrows(IllegalArgumentException.class, () -> Downsample.builder().setChannels(4).optPadding(null).build());
        assertThrows(IllegalArgumentException.class, () -> Upsample.builder().setChannels(4).optPadding(null).build());
    }
}
