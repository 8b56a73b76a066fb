package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Outside a gradient collector the blocks update their own intermediates in place; the values must not change. */
class InferenceInPlaceTest {

    private static void sameWithAndWithoutRecording(Block block, Shape shape) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            block.initialize(m, DataType.FLOAT32, shape);
            NDArray x = m.randomNormal(shape);
            NDArray copy = x.duplicate();
            NDArray inference = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray recorded;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                recorded = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            }
            assertEquals(copy, x, "the input must be left as it was");
            float error = inference.sub(recorded).abs().max().getFloat();
            assertTrue(error < 1e-5f, block.getClass().getSimpleName() + " differs by " + error);
        }
    }

    @Test
    void residualBlockWithAndWithoutShortcut() {
        sameWithAndWithoutRecording(ResidualBlock.builder().setInChannels(8).optGroups(4).build(), new Shape(2, 8, 6, 6));
        sameWithAndWithoutRecording(ResidualBlock.builder().setInChannels(8).optOutChannels(16).optGroups(4).build(),
                new Shape(2, 8, 6, 6));
    }

    @Test
    void selfAttention() {
        sameWithAndWithoutRecording(SelfAttention2d.builder().setChannels(8).optGroups(4).build(), new Shape(2, 8, 4, 4));
    }

    @Test
    void swish() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-2, 0, 3}, new Shape(3));
            NDArray y = Swish.apply(x);
            assertEquals(m.create(new float[] {-2, 0, 3}, new Shape(3)), x);
            float[] expected = {(float) (-2 / (1 + Math.exp(2))), 0f, (float) (3 / (1 + Math.exp(-3)))};
            float[] actual = y.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], actual[i], 1e-6f);
            }
        }
    }
}
