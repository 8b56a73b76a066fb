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
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.Test;

class AdaptiveGroupNormTest {

    private static NDArray run(AdaptiveGroupNorm norm, NDArray x, NDArray z) {
        if (!norm.isInitialized()) {
            norm.initialize(x.getManager(), DataType.FLOAT32, x.getShape(), z.getShape());
        }
        return norm.forward(new ParameterStore(x.getManager(), false), new NDList(x, z), false).singletonOrThrow();
    }

    @Test
    void newBlockEqualsPlainGroupNormWhateverTheLatents() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(31);
            // Xavier for weights and biases set as a training configuration would: the zero modulation stays
            AdaptiveGroupNorm adaptive = AdaptiveGroupNorm.builder().setGroups(2).setChannels(4).setLatentChannels(3).build();
            adaptive.setInitializer(new NormalInitializer(1f), Parameter.Type.WEIGHT);
            adaptive.setInitializer(new NormalInitializer(1f), Parameter.Type.BIAS);
            NDArray x = m.randomNormal(2f, 3f, new Shape(2, 4, 9, 8, 8), DataType.FLOAT32);
            NDArray z = m.randomNormal(new Shape(2, 3, 3, 2, 2));
            NDArray y = run(adaptive, x, z);
            NDArray plain = BlockRuns.run(GroupNorm.builder().setGroups(2).setChannels(4).build(), x);
            assertEquals(0f, BlockRuns.maxDifference(plain, y), 1e-5f);
            for (String name : new String[] {"scale_weight", "scale_bias", "shift_weight", "shift_bias"}) {
                Parameter p = adaptive.getParameters().get(name);
                assertEquals(Parameter.Type.OTHER, p.getType(), name);
                assertEquals(0f, p.getArray().abs().max().getFloat(), name);
            }
            assertEquals(new Shape(4, 3, 1, 1, 1), adaptive.getParameters().get("scale_weight").getArray().getShape());
        }
    }

    @Test
    void eachFrameIsScaledByItsLatentFrameInTheCausalLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(32);
            AdaptiveGroupNorm adaptive = AdaptiveGroupNorm.builder().setGroups(1).setChannels(1).setLatentChannels(1).build();
            NDArray x = m.randomNormal(new Shape(1, 1, 5, 2, 2));
            // latent frames 10, 20, 30, constant over space
            NDArray z = m.create(new float[] {10, 20, 30}).reshape(1, 1, 3, 1, 1).repeat(3, 2).repeat(4, 2);
            adaptive.initialize(m, DataType.FLOAT32, x.getShape(), z.getShape());
            adaptive.getParameters().get("scale_weight").getArray().set(new float[] {1});   // scale(z) = z
            adaptive.getParameters().get("shift_bias").getArray().set(new float[] {0.5f});  // shift(z) = 0.5
            NDArray y = run(adaptive, x, z);
            NDArray plain = BlockRuns.run(GroupNorm.builder().setGroups(1).setChannels(1).build(), x);
            float[] factors = {11, 21, 21, 31, 31};   // frame 0 <- latent 0, frames 1-2 <- 1, frames 3-4 <- 2
            for (int t = 0; t < 5; t++) {
                NDArray expected = plain.get(new NDIndex(":, :, {}", t)).mul(factors[t]).add(0.5f);
                assertEquals(0f, BlockRuns.maxDifference(expected, y.get(new NDIndex(":, :, {}", t))), 1e-4f, "frame " + t);
            }
        }
    }

    @Test
    void resizeLatentsByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 3, 1, 2));   // frames [1 2] [3 4] [5 6]
            NDArray y = AdaptiveGroupNorm.resizeLatents(z, new Shape(5, 2, 4));
            assertEquals(new Shape(1, 1, 5, 2, 4), y.getShape());
            float[] expected = {
                1, 1, 2, 2, 1, 1, 2, 2,
                3, 3, 4, 4, 3, 3, 4, 4,
                3, 3, 4, 4, 3, 3, 4, 4,
                5, 5, 6, 6, 5, 5, 6, 6,
                5, 5, 6, 6, 5, 5, 6, 6};
            assertArrayEquals(expected, y.toFloatArray());
            assertEquals(new Shape(1, 1, 3, 1, 2), AdaptiveGroupNorm.resizeLatents(z, new Shape(3, 1, 2)).getShape());
        }
    }

    @Test
    void modulationOfAFrameDoesNotReadLaterLatentFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(33);
            AdaptiveGroupNorm adaptive = AdaptiveGroupNorm.builder().setGroups(2).setChannels(4).setLatentChannels(2).build();
            adaptive.setInitializer(new NormalInitializer(1f), p -> p.getType() == Parameter.Type.OTHER);
            NDArray x = m.randomNormal(new Shape(1, 4, 9, 4, 4));
            NDArray z = m.randomNormal(new Shape(1, 2, 5, 2, 2));
            NDArray y = run(adaptive, x, z);
            for (int latent = 0; latent < 5; latent++) {
                NDArray changed = run(adaptive, x, CausalConv3dTest.withFutureChanged(z, latent));
                long kept = 1 + 2L * latent;
                assertEquals(0f, BlockRuns.maxDifference(CausalConv3dTest.frames(y, 0, kept),
                        CausalConv3dTest.frames(changed, 0, kept)), 1e-6f, "latent frames after " + latent + " changed");
                if (kept < 9) {
                    assertTrue(BlockRuns.maxDifference(CausalConv3dTest.frames(y, kept, 9),
                            CausalConv3dTest.frames(changed, kept, 9)) > 1e-3f);
                }
            }
        }
    }

    @Test
    void gradientsReachTheModulationAndTheLatents() {
        try (NDManager m = NDManager.newBaseManager()) {
            AdaptiveGroupNorm adaptive = AdaptiveGroupNorm.builder().setGroups(1).setChannels(2).setLatentChannels(2).build();
            NDArray x = m.randomNormal(new Shape(1, 2, 5, 4, 4));
            NDArray z = m.randomNormal(new Shape(1, 2, 3, 2, 2));
            adaptive.initialize(m, DataType.FLOAT32, x.getShape(), z.getShape());
            z.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray y = adaptive.forward(new ParameterStore(m, false), new NDList(x, z), true).singletonOrThrow();
                gc.backward(y.mul(y).sum());
            }
            assertTrue(adaptive.getParameters().get("scale_weight").getArray().getGradient().abs().sum().getFloat() > 0);
            assertTrue(adaptive.getParameters().get("shift_bias").getArray().getGradient().abs().sum().getFloat() > 0);
        }
    }

    @Test
    void badFrameCountsAndShapesAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            AdaptiveGroupNorm adaptive = AdaptiveGroupNorm.builder().setGroups(2).setChannels(4).setLatentChannels(3).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 4, 8, 8), new Shape(1, 3, 3, 2, 2)));
            assertTrue(e.getMessage().contains("T = 1 + s*(t - 1)") && e.getMessage().contains("got T = 4")
                    && e.getMessage().contains("1 + s*2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 7, 8), new Shape(1, 3, 3, 2, 2)));
            assertTrue(e.getMessage().contains("H a multiple of the latents' (2), got 7"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 8, 8), new Shape(1, 5, 3, 2, 2)));
            assertTrue(e.getMessage().contains("setLatentChannels"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 8, 8), new Shape(2, 3, 3, 2, 2)));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 6, 5, 8, 8), new Shape(1, 3, 3, 2, 2)));
            assertTrue(e.getMessage().contains("setChannels(6)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 8, 8)));
            adaptive.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 8, 8), new Shape(1, 3, 3, 2, 2));
            e = assertThrows(IllegalArgumentException.class, () -> adaptive.forward(new ParameterStore(m, false),
                    new NDList(m.zeros(new Shape(1, 4, 5, 8, 8))), false));
            assertTrue(e.getMessage().contains("NDList(features, latents)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> AdaptiveGroupNorm.builder().setGroups(3).setChannels(4)
                    .setLatentChannels(3).build());
            assertThrows(IllegalArgumentException.class, () -> AdaptiveGroupNorm.builder().setGroups(2).setChannels(4).build());
        }
    }
}
