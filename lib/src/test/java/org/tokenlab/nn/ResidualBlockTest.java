package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ResidualBlockTest {

    @Test
    void changingChannelsAddsAOneByOneShortcut() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResidualBlock block = ResidualBlock.builder().setInChannels(4).optOutChannels(8).optGroups(2).build();
            Shape in = new Shape(2, 4, 6, 6);
            block.initialize(m, DataType.FLOAT32, in);
            assertEquals(new Shape(2, 8, 6, 6), block.getOutputShapes(new Shape[] {in})[0]);
            assertEquals(new Shape(8, 4, 1, 1), TestParameters.named(block, "shortcut_weight").getShape());
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.ones(in)), false).singletonOrThrow();
            assertEquals(new Shape(2, 8, 6, 6), y.getShape());
        }
    }

    @Test
    void sameChannelsUseTheIdentityShortcut() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            ResidualBlock block = ResidualBlock.builder().setInChannels(4).optGroups(2).build();
            NDArray x = m.randomNormal(new Shape(1, 4, 5, 5));
            block.initialize(m, DataType.FLOAT32, x.getShape());
            assertFalse(block.getParameters().keys().stream().anyMatch(k -> k.contains("shortcut")));
            // with the last convolution zeroed the residual branch adds nothing: output == input
            TestParameters.named(block, "conv2_weight").getArray().set(new float[4 * 4 * 3 * 3]);
            TestParameters.named(block, "conv2_bias").getArray().set(new float[4]);
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertTrue(y.sub(x).abs().max().getFloat() < 1e-6f);
        }
    }

    @Test
    void groupsThatDoNotDivideTheChannelsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResidualBlock.builder().setInChannels(16).optOutChannels(24).optGroups(16).build());
        assertTrue(e.getMessage().contains("16 and 24"), e.getMessage());
    }
}
