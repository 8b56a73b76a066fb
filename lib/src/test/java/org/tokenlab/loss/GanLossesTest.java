package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class GanLossesTest {

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    @Test
    void hingeDiscriminatorLossByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = m.create(new float[] {2f, 0.5f, -1f, 0f});   // relu(1 - r): 0, 0.5, 2, 1 -> mean 0.875
            NDArray fake = m.create(new float[] {-2f, 0.5f});           // relu(1 + f): 0, 1.5 -> mean 0.75
            assertEquals(1.625, GanLosses.HINGE.discriminatorLoss(real, fake).getFloat(), 1e-6);
        }
    }

    @Test
    void hingeGeneratorLossIsMinusTheMeanLogit() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray fake = m.create(new float[] {1f, -3f, 2f, 4f}, new Shape(1, 1, 2, 2));
            NDArray loss = GanLosses.HINGE.generatorLoss(fake);
            assertEquals(new Shape(), loss.getShape());
            assertEquals(-1.0, loss.getFloat(), 1e-6);
        }
    }

    @Test
    void nonSaturatingLossesByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray real = m.create(new float[] {1f, -2f});
            NDArray fake = m.create(new float[] {0f, 3f});
            double d = (softplus(-1) + softplus(2)) / 2 + (softplus(0) + softplus(3)) / 2;
            assertEquals(d, GanLosses.NON_SATURATING.discriminatorLoss(real, fake).getFloat(), 1e-5);
            double g = (softplus(0) + softplus(-3)) / 2;
            assertEquals(g, GanLosses.NON_SATURATING.generatorLoss(fake).getFloat(), 1e-5);
        }
    }

    @Test
    void nonSaturatingIsStableForLargeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray fake = m.create(new float[] {-200f});
            assertEquals(200.0, GanLosses.NON_SATURATING.generatorLoss(fake).getFloat(), 1e-3);
        }
    }

    @Test
    void integerLogitsAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GanLosses.HINGE.generatorLoss(m.create(new int[] {1, 2})));
            assertTrue(e.getMessage().contains("floating-point") && e.getMessage().toLowerCase().contains("int32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> GanLosses.HINGE.discriminatorLoss(null, m.create(1f)));
        }
    }
}
