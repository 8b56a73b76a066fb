package org.tokenlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SsimTest {

    private static final double C1 = 4e-4;   // (0.01 * 2)^2

    @Test
    void identicalImagesGiveOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 16, 16));
            assertArrayEquals(new double[] {1, 1}, Ssim.perImage(x, x), 1e-9);
        }
    }

    /**
     * A checkerboard of +-0.8: under the symmetric window every local mean is about 0 (the
     * window's alternating sum is 1e-4) and every local variance 0.64, so by hand
     * SSIM(x, -x) = (C1 / C1) (-2 * 0.64 + C2) / (2 * 0.64 + C2) = -0.99439.
     */
    @Test
    void aCheckerboardAndItsNegationByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray rows = m.arange(16f).reshape(16, 1);
            NDArray x = rows.add(m.arange(16f).reshape(1, 16)).mod(2).mul(1.6f).sub(0.8f).reshape(1, 1, 16, 16);
            double c2 = 3.6e-3;
            assertEquals((-1.28 + c2) / (1.28 + c2), Ssim.of(x, x.neg()), 1e-4);
        }
    }

    @Test
    void anImageWithNonZeroLocalMeansAndItsNegationCanScorePositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            // luminance (2 mu_x mu_y + C1) and structure (2 sigma_xy + C2) terms are both negative there:
            // a known property of SSIM, documented in the class javadoc
            NDArray x = m.arange(256f).reshape(1, 1, 16, 16).div(255f).mul(0.8f).add(0.1f);
            assertTrue(Ssim.of(x, x.neg()) > 0, "SSIM " + Ssim.of(x, x.neg()));
        }
    }

    /**
     * Constant images a and b: every local mean is the constant and every variance 0, so
     * SSIM = (2ab + C1) / (a^2 + b^2 + C1) (the contrast-structure factor is C2 / C2 = 1).
     */
    @Test
    void constantImagesByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.full(new Shape(1, 1, 11, 11), 0.5f);
            NDArray zero = m.zeros(new Shape(1, 1, 11, 11));
            assertEquals(C1 / (0.25 + C1), Ssim.of(a, zero), 1e-7);              // 0.0015974...
            assertEquals((-0.5 + C1) / (0.5 + C1), Ssim.of(a, a.neg()), 1e-6);  // -0.9984...
        }
    }

    @Test
    void channelsAreAveraged() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(1, 2, 12, 12), 0.5f);
            NDArray y = x.duplicate();
            y.set(new ai.djl.ndarray.index.NDIndex(":, 1"), 0f);
            // channel 0 identical (1), channel 1 as in the hand case
            assertEquals((1 + C1 / (0.25 + C1)) / 2, Ssim.of(x, y), 1e-7);
        }
    }

    @Test
    void gaussianWindowSumsToOne() {
        double sum = 0;
        for (double g : Ssim.gaussian()) {
            sum += g;
        }
        assertEquals(1.0, sum, 1e-12);
        assertTrue(Ssim.gaussian()[5] > Ssim.gaussian()[4]);
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ssim.of(m.zeros(new Shape(1, 1, 8, 8)), m.zeros(new Shape(1, 1, 8, 8))));
            assertTrue(e.getMessage().contains("11x11") && e.getMessage().contains("(1, 1, 8, 8)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Ssim.of(m.zeros(new Shape(1, 1, 16, 16)), m.zeros(new Shape(2, 1, 16, 16))));
            assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        }
    }
}
