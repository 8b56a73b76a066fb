package org.tokenlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PsnrTest {

    @Test
    void constantErrorOfPointTwoIsTwentyDecibels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = m.randomUniform(-0.5f, 0.5f, new Shape(2, 3, 8, 8));
            // 10 log10(2^2 / 0.2^2) = 10 log10(100) = 20
            assertEquals(20.0, Psnr.of(target.add(0.2f), target), 1e-4);
        }
    }

    @Test
    void perImageThenMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = m.zeros(new Shape(2, 1, 4, 4));
            NDArray reconstruction = m.create(new float[] {0.2f, 0.02f}).reshape(2, 1, 1, 1).broadcast(2, 1, 4, 4);
            double[] psnr = Psnr.perImage(reconstruction, target);
            assertArrayEquals(new double[] {20, 40}, psnr, 1e-4);
            assertEquals(30, Psnr.of(reconstruction, target), 1e-4);
            // range 1: 10 log10(1 / 0.04)
            assertEquals(10 * Math.log10(25), Psnr.perImage(reconstruction, target, 1)[0], 1e-4);
        }
    }

    @Test
    void identicalImagesAreInfinite() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 1, 4, 4));
            assertEquals(Double.POSITIVE_INFINITY, Psnr.of(x, x));
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Psnr.of(m.zeros(new Shape(1, 1, 4, 4)), m.zeros(new Shape(1, 3, 4, 4))));
            assertTrue(e.getMessage().contains("(1, 1, 4, 4)") && e.getMessage().contains("(1, 3, 4, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Psnr.of(m.zeros(new Shape(4, 4)), m.zeros(new Shape(4, 4))));
            assertTrue(e.getMessage().contains("rank 4"), e.getMessage());
            NDArray nan = m.create(new float[] {Float.NaN}).reshape(1, 1, 1, 1);
            assertThrows(IllegalArgumentException.class, () -> Psnr.of(nan, m.zeros(new Shape(1, 1, 1, 1))));
            assertThrows(IllegalArgumentException.class, () -> Psnr.of(nan, nan, 0));
        }
    }
}
