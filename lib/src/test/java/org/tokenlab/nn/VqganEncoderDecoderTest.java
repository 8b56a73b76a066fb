package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class VqganEncoderDecoderTest {

    static VqganEncoder encoder(int base, int groups) {
        return VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(base)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(groups).build();
    }

    static VqganDecoder decoder(int base, int groups) {
        return VqganDecoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(base)
                .optChannelMultipliers(1, 2, 2).optResidualBlocks(1).optGroups(groups).build();
    }

    @Test
    void mnistSizedImagesRoundTripThroughEightByEightLatents() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder encoder = encoder(32, 32);
            VqganDecoder decoder = decoder(32, 32);
            Shape images = new Shape(2, 1, 32, 32);
            encoder.initialize(m, DataType.FLOAT32, images);
            Shape latents = encoder.getOutputShapes(new Shape[] {images})[0];
            assertEquals(new Shape(2, 4, 8, 8), latents);
            decoder.initialize(m, DataType.FLOAT32, latents);
            assertEquals(images, decoder.getOutputShapes(new Shape[] {latents})[0]);
            assertEquals(4, encoder.downsamplingFactor());
            assertEquals(4, decoder.downsamplingFactor());

            ParameterStore ps = new ParameterStore(m, false);
            NDArray z = encoder.forward(ps, new NDList(m.randomUniform(-1, 1, images)), false).singletonOrThrow();
            assertEquals(latents, z.getShape());
            NDArray x = decoder.forward(ps, new NDList(z), false).singletonOrThrow();
            assertEquals(images, x.getShape());
            assertEquals(new Shape(1, 32, 3, 3), decoder.lastLayerWeight().getShape());
        }
    }

    @Test
    void aGradientReachesTheEncodersFirstConvolutionAndTheDecodersLastWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            VqganEncoder encoder = encoder(8, 4);
            VqganDecoder decoder = decoder(8, 4);
            Shape images = new Shape(2, 1, 16, 16);
            encoder.initialize(m, DataType.FLOAT32, images);
            decoder.initialize(m, DataType.FLOAT32, new Shape(2, 4, 4, 4));
            NDArray x = m.randomUniform(-1, 1, images);
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray z = encoder.forward(ps, new NDList(x), true).singletonOrThrow();
                NDArray recon = decoder.forward(ps, new NDList(z), true).singletonOrThrow();
                gc.backward(recon.sub(x).square().mean());
            }
            NDArray first = TestParameters.named(encoder, "conv_in_weight").getArray().getGradient();
            assertTrue(first.abs().sum().getFloat() > 0, "no gradient at the encoder's first convolution");
            assertTrue(decoder.lastLayerWeight().getGradient().abs().sum().getFloat() > 0, "no gradient at the last layer");
        }
    }

    @Test
    void theSameSeedGivesTheSameLatents() {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(7);
                VqganEncoder encoder = encoder(8, 4);
                Shape images = new Shape(2, 1, 16, 16);
                encoder.initialize(m, DataType.FLOAT32, images);
                NDArray x = m.randomUniform(-1, 1, images);
                runs[r] = encoder.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
            }
        }
        assertTrue(java.util.Arrays.equals(runs[0], runs[1]));
    }

    @Test
    void withoutAttentionTheShapesStayTheSameAndThereAreFewerParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder plain = VqganEncoder.builder().setImageChannels(3).setLatentChannels(8).optBaseChannels(8).optGroups(4)
                    .optChannelMultipliers(1, 2, 4, 4).optAttention(false).build();
            Shape images = new Shape(1, 3, 64, 48);
            plain.initialize(m, DataType.FLOAT32, images);
            assertEquals(new Shape(1, 8, 8, 6), plain.getOutputShapes(new Shape[] {images})[0]);
            assertTrue(plain.getParameters().keys().stream().noneMatch(k -> k.contains("attention")));
            VqganEncoder attended = VqganEncoder.builder().setImageChannels(3).setLatentChannels(8).optBaseChannels(8).optGroups(4)
                    .optChannelMultipliers(1, 2, 4, 4).build();
            attended.initialize(m, DataType.FLOAT32, images);
            assertTrue(attended.getParameters().keys().stream().anyMatch(k -> k.contains("mid_attention")));
        }
    }

    @Test
    void badConfigurationsAndInputsAreExplained() {
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8).build());
        assertTrue(groups.getMessage().contains("32 groups") && groups.getMessage().contains("optGroups"), groups.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VqganDecoder.builder().setImageChannels(1).build());
        assertThrows(IllegalArgumentException.class, () -> VqganEncoder.builder().setImageChannels(1).setLatentChannels(4)
                .optChannelMultipliers().build());
        try (NDManager m = NDManager.newBaseManager()) {
            VqganEncoder encoder = encoder(8, 4);
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> encoder.initialize(m, DataType.FLOAT32, new Shape(1, 1, 30, 30)));
            assertTrue(size.getMessage().contains("multiples of 4") && size.getMessage().contains("(1, 1, 30, 30)"),
                    size.getMessage());
            assertThrows(IllegalStateException.class, () -> decoder(8, 4).lastLayerWeight());
        }
    }
}
