package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class PatchDiscriminatorTest {

    private static NDArray logits(PatchDiscriminator d, NDManager m, Shape shape, boolean training) {
        d.initialize(m, DataType.FLOAT32, shape);
        NDArray images = m.randomUniform(-1, 1, shape);
        return d.forward(new ParameterStore(m, false), new NDList(images), training).singletonOrThrow();
    }

    @Test
    void oneChannelDigitsGiveATwoByTwoLogitMap() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchDiscriminator d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).build();
            NDArray out = logits(d, m, new Shape(2, 1, 32, 32), true);
            assertEquals(new Shape(2, 1, 2, 2), out.getShape());
            assertEquals(new Shape(2, 1, 2, 2), d.getOutputShapes(new Shape[] {new Shape(2, 1, 32, 32)})[0]);
        }
    }

    @Test
    void colourImagesWithTamingDefaultsGiveSixBySix() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchDiscriminator d = PatchDiscriminator.builder().build();
            NDArray out = logits(d, m, new Shape(2, 3, 64, 64), false);
            assertEquals(new Shape(2, 1, 6, 6), out.getShape());
            // taming's NLayerDiscriminator(3, 64, 3): 2,765,633 trainable parameters (convolutions 2,763,841,
            // BatchNorm scale and shift 2 * 896); DJL also lists BatchNorm's running mean and variance
            long count = d.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
            assertEquals(2_765_633 + 2 * (128 + 256 + 512), count);
        }
    }

    @Test
    void receptiveFieldAndSizes() {
        assertEquals(70, PatchDiscriminator.builder().build().receptiveField());
        assertEquals(34, PatchDiscriminator.builder().optLayers(2).build().receptiveField());
        assertEquals(16, PatchDiscriminator.builder().optLayers(1).build().receptiveField());
        PatchDiscriminator d = PatchDiscriminator.builder().build();
        assertEquals(30, d.outputSide(256));
        assertEquals(6, PatchDiscriminator.builder().optLayers(2).build().outputSide(32));
        assertEquals(1, d.outputSide(d.minimumInputSide()));
        assertEquals(0, d.outputSide(d.minimumInputSide() - 1));
    }

    @Test
    void wrongChannelsAndTooSmallImagesAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchDiscriminator d = PatchDiscriminator.builder().optBaseChannels(4).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32)));
            assertTrue(e.getMessage().contains("(B, 3, H, W)") && e.getMessage().contains("optInputChannels(1)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> d.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 8)));
            assertTrue(e.getMessage().contains("at least") && e.getMessage().contains("(2, 3, 8, 8)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PatchDiscriminator.builder().optLayers(0).build());
        }
    }
}
