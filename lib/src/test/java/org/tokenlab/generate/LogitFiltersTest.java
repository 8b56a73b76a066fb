package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogitFiltersTest {

    private static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    private static int finite(float[] logits) {
        int n = 0;
        for (float v : logits) {
            n += Float.isFinite(v) ? 1 : 0;
        }
        return n;
    }

    @Test
    void topPKeepsTheSmallestSetThatReachesP() {
        float[] logits = logitsOf(0.05, 0.3, 0.5, 0.15); // shuffled so the order is found, not assumed
        LogitFilters.keepTopP(logits, 0.7);
        assertEquals(2, finite(logits));
        double[] p = LogitFilters.probabilities(logits);
        assertArrayEquals(new double[] {0, 0.375, 0.625, 0}, p, 1e-6); // 0.3 / 0.8 and 0.5 / 0.8
    }

    @Test
    void topPAtTheBoundaryAndAtOne() {
        float[] exactlyHalf = logitsOf(0.5, 0.3, 0.15, 0.05);
        LogitFilters.keepTopP(exactlyHalf, 0.5);
        assertEquals(1, finite(exactlyHalf));
        float[] all = logitsOf(0.5, 0.3, 0.15, 0.05);
        LogitFilters.keepTopP(all, 1.0);
        assertEquals(4, finite(all));
        float[] tiny = logitsOf(0.5, 0.3, 0.15, 0.05);
        LogitFilters.keepTopP(tiny, 1e-9);
        assertEquals(1, finite(tiny));
    }

    @Test
    void topKKeepsTheKLargest() {
        float[] logits = {0.1f, 3f, -2f, 2f, 1f};
        LogitFilters.keepTopK(logits, 2);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY}, logits);
    }

    @Test
    void topKOrdersSignsInfinitiesAndTiesAsTheValuesDo() {
        float ninf = Float.NEGATIVE_INFINITY;
        float[] row = {-1f, 3f, ninf, 3f, 0.5f, -0f, 0f, -2.5f, Float.MAX_VALUE, -Float.MAX_VALUE};
        LogitFilters.keepTopK(row, 4); // MAX_VALUE, 3 (id 1), 3 (id 3), 0.5
        assertArrayEquals(new float[] {ninf, 3f, ninf, 3f, 0.5f, ninf, ninf, ninf, Float.MAX_VALUE, ninf}, row);
        float[] ties = {2f, 1f, 2f, 2f, 1f};
        LogitFilters.keepTopK(ties, 2); // equal logits: the lower ids win
        assertArrayEquals(new float[] {2f, ninf, 2f, ninf, ninf}, ties);
        float[] zeros = {0f, -0f, 0f};
        LogitFilters.keepTopK(zeros, 2); // +0 ranks above -0, as Float.compare has it
        assertArrayEquals(new float[] {0f, ninf, 0f}, zeros);
    }

    @Test
    void topKMatchesASortOfTheWholeRow() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            float[] row = new float[1 + random.nextInt(300)];
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(4) == 0 ? random.nextInt(5) - 2 : (float) random.nextGaussian() * 10;
            }
            int k = 1 + random.nextInt(row.length);
            Integer[] order = new Integer[row.length];
            for (int i = 0; i < row.length; i++) {
                order[i] = i;
            }
            float[] copy = row.clone();
            java.util.Arrays.sort(order, (a, b) -> Float.compare(copy[a], copy[b]) != 0 ? Float.compare(copy[b], copy[a]) : Integer.compare(a, b));
            float[] expected = row.clone();
            for (int r = k; r < order.length; r++) {
                expected[order[r]] = Float.NEGATIVE_INFINITY;
            }
            LogitFilters.keepTopK(row, k);
            assertArrayEquals(expected, row, "trial " + trial + ", k " + k);
        }
    }

    @Test
    void temperatureDividesTheLogits() {
        float[] logits = {1f, 2f, 3f};
        LogitFilters.scale(logits, 2f);
        double[] p = LogitFilters.probabilities(logits);
        double z = Math.exp(0.5) + Math.exp(1.0) + Math.exp(1.5);
        assertArrayEquals(new double[] {Math.exp(0.5) / z, Math.exp(1.0) / z, Math.exp(1.5) / z}, p, 1e-7);
    }

    @Test
    void drawFollowsTheProbabilities() {
        double[] p = {0.2, 0, 0.8};
        Random random = new Random(1);
        int[] counts = new int[3];
        for (int i = 0; i < 10_000; i++) {
            counts[LogitFilters.draw(p, random)]++;
        }
        assertEquals(0, counts[1]);
        assertEquals(0.8, counts[2] / 10_000.0, 0.02);
    }

    @Test
    void badSettingsNameTheAllowedRange() {
        assertThrows(IllegalArgumentException.class, () -> LogitFilters.scale(new float[] {1}, 0f));
        assertThrows(IllegalArgumentException.class, () -> LogitFilters.keepTopK(new float[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> LogitFilters.keepTopP(new float[] {1}, 1.5));
        assertThrows(IllegalArgumentException.class,
                () -> LogitFilters.probabilities(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    }
}
