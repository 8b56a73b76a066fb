package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class LeCamTest {

    @Test
    void firstUpdateSetsTheAnchorsThenTheyMoveByTheDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            LeCam lecam = new LeCam(0.9);
            lecam.update(m.create(new float[] {1f, 3f}), m.create(new float[] {-1f, -3f}));
            assertEquals(2.0, lecam.emaReal(), 1e-9);
            assertEquals(-2.0, lecam.emaFake(), 1e-9);
            lecam.update(m.create(new float[] {4f}), m.create(new float[] {0f}));
            assertEquals(0.9 * 2 + 0.1 * 4, lecam.emaReal(), 1e-9);
            assertEquals(0.9 * -2 + 0.1 * 0, lecam.emaFake(), 1e-9);
            assertEquals(2, lecam.updates());
        }
    }

    @Test
    void lossByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            LeCam lecam = new LeCam();
            NDArray real = m.create(new float[] {1f, 3f});
            NDArray fake = m.create(new float[] {0f, -2f});
            lecam.update(real, fake); // emaReal 2, emaFake -1
            // mean((1+1)^2, (3+1)^2) = 10; mean((0-2)^2, (-2-2)^2) = 10
            assertEquals(20.0, lecam.loss(real, fake).getFloat(), 1e-5);
            assertEquals(0.999, lecam.decay());
        }
    }

    @Test
    void lossBeforeUpdateAndBadDecayAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            LeCam lecam = new LeCam();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lecam.loss(m.create(1f), m.create(0f)));
            assertTrue(e.getMessage().contains("update"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new LeCam(1.0));
            assertThrows(IllegalArgumentException.class, () -> lecam.update(m.create(new float[] {Float.NaN}), m.create(0f)));
        }
    }
}
