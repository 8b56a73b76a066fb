package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class AdaptiveGanWeightTest {

    @Test
    void weightFromTwoGradientsByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray rec = m.create(new float[] {3f, 4f});  // norm 5
            NDArray gan = m.create(new float[] {0f, 2f});  // norm 2
            assertEquals(5 / (2 + 1e-4), AdaptiveGanWeight.of(rec, gan), 1e-9);
        }
    }

    @Test
    void weightIsClampedToTenThousand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a vanishing GAN gradient: 5 / 1e-4 = 50,000, clamped
            assertEquals(1e4, AdaptiveGanWeight.of(m.create(new float[] {3f, 4f}), m.zeros(new Shape(2))));
            assertEquals(0.0, AdaptiveGanWeight.of(m.zeros(new Shape(2)), m.create(new float[] {3f, 4f})));
        }
    }

    /**
     * A "decoder" y = x . w + b, one Linear layer with w = (1, 2), b = 0, and x = (1, 3): y = 7.
     * L_rec = (y - 5)^2 has gradient 2 (y - 5) x = (4, 12), norm sqrt(160).
     * L_gan = -mean(D(y)) with a fixed D(y) = 3 y has gradient -3 x = (-3, -9), norm sqrt(90).
     */
    @Test
    void estimateRunsTwoBackwardPassesOnATinyDecoder() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear decoder = Linear.builder().setUnits(1).build();
            decoder.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            NDArray weight = decoder.getParameters().get("weight").getArray(); // (1, 2)
            weight.set(new float[] {1f, 2f});
            decoder.getParameters().get("bias").getArray().set(new float[] {0f});
            NDArray x = m.create(new float[] {1f, 3f}, new Shape(1, 2));
            ParameterStore ps = new ParameterStore(m, false);
            java.util.function.Supplier<NDArray> forward = () -> decoder.forward(ps, new NDList(x), true).singletonOrThrow();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                double lambda = AdaptiveGanWeight.estimate(gc, weight,
                        () -> forward.get().sub(5).square().sum(),
                        () -> GanLosses.HINGE.generatorLoss(forward.get().mul(3)));
                assertEquals(Math.sqrt(160) / (Math.sqrt(90) + 1e-4), lambda, 1e-5);
                assertArrayEquals(new float[] {0f, 0f}, weight.getGradient().toFloatArray(), "gradients are zeroed afterwards");
                // the training step's own backward in the same collector: grad = g_rec + lambda g_gan
                NDArray y = forward.get();
                gc.backward(y.sub(5).square().sum().add(GanLosses.HINGE.generatorLoss(y.mul(3)).mul(lambda)));
                float[] g = weight.getGradient().toFloatArray();
                assertEquals(4 - 3 * lambda, g[0], 1e-4);
                assertEquals(12 - 9 * lambda, g[1], 1e-4);
            }
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AdaptiveGanWeight.of(m.zeros(new Shape(2, 3)), m.zeros(new Shape(3, 2))));
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> AdaptiveGanWeight.of(Double.NaN, 1));
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                e = assertThrows(IllegalArgumentException.class,
                        () -> AdaptiveGanWeight.estimate(gc, m.ones(new Shape(2)), () -> null, () -> null));
                assertTrue(e.getMessage().contains("require gradient"), e.getMessage());
            }
        }
    }
}
