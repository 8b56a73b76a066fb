package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ReconstructionLossTest {

    @Test
    void l1AndL2ByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, -1f, 0.5f, 0f}, new Shape(2, 1, 1, 2));
            NDArray y = m.create(new float[] {0f, 1f, 0.5f, -1f}, new Shape(2, 1, 1, 2));
            // differences 1, -2, 0, 1
            assertEquals(1.0, ReconstructionLoss.L1.loss(x, y).getFloat(), 1e-6);
            assertEquals(1.5, ReconstructionLoss.L2.loss(x, y).getFloat(), 1e-6);
            assertArrayEquals(new float[] {1.5f, 0.5f}, ReconstructionLoss.L1.perSample(x, y).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {2.5f, 0.5f}, ReconstructionLoss.L2.perSample(x, y).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void differentShapesAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReconstructionLoss.L1.loss(m.zeros(new Shape(2, 1, 4, 4)), m.zeros(new Shape(2, 1, 4, 5))));
            assertTrue(e.getMessage().contains("(2, 1, 4, 4)") && e.getMessage().contains("(2, 1, 4, 5)"), e.getMessage());
        }
    }
}
