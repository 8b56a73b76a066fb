package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tokenlab.generate.MaskedTokenLoss.Normalization;

class MaskedTokenLossTest {

    private static final float LN2 = (float) Math.log(2);
    private static final float LN3 = (float) Math.log(3);

    /**
     * One row of 3 positions over K = 4 codes. Position 0: uniform, target 2 -> ln 4. Position 1:
     * probabilities (2/5, 1/5, 1/5, 1/5), target 0 -> ln 5/2. Position 2: (1/6, 3/6, 1/6, 1/6), target 3 -> ln 6.
     */
    private static NDArray logits(NDManager m) {
        return m.create(new float[] {0, 0, 0, 0, LN2, 0, 0, 0, 0, LN3, 0, 0}, new Shape(1, 3, 4));
    }

    private static NDArray targets(NDManager m, long... ids) {
        return m.create(ids, new Shape(1, ids.length));
    }

    private static NDArray weights(NDManager m, float... w) {
        return m.create(w, new Shape(1, w.length));
    }

    @Test
    void isTheWeightedCrossEntropyOverTheSumOfWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray perPosition = MaskedTokenLoss.builder().build().perPosition(logits(m), targets(m, 2, 0, 3));
            assertArrayEquals(new float[] {(float) Math.log(4), (float) Math.log(2.5), (float) Math.log(6)},
                    perPosition.toFloatArray(), 1e-6f);
            NDArray loss = MaskedTokenLoss.of(logits(m), targets(m, 2, 0, 3), weights(m, 1, 0.5f, 0));
            assertEquals(new Shape(), loss.getShape());
            assertEquals((Math.log(4) + 0.5 * Math.log(2.5)) / 1.5, loss.getFloat(), 1e-6);
        }
    }

    @Test
    void positionsOfWeightZeroAreIgnoredAndTakeNoGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = weights(m, 1, 0, 0);
            assertEquals(Math.log(4), MaskedTokenLoss.of(logits(m), targets(m, 2, 0, 3), w).getFloat(), 1e-6);
            assertEquals(Math.log(4), MaskedTokenLoss.of(logits(m), targets(m, 2, 3, 1), w).getFloat(), 1e-6);
            NDArray x = logits(m);
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(MaskedTokenLoss.of(x, targets(m, 2, 0, 3), w));
            }
            // d/dlogits of -log softmax(logits)[2] at the uniform position: p - onehot(2)
            assertArrayEquals(new float[] {0.25f, 0.25f, -0.75f, 0.25f, 0, 0, 0, 0, 0, 0, 0, 0},
                    x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void labelSmoothingMovesEpsOverKToEveryCode() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenLoss smoothed = MaskedTokenLoss.builder().optLabelSmoothing(0.1f).build();
            // position 1: -(0.9 + 0.1/4) ln(2/5) - 3 (0.1/4) ln(1/5)
            double expected = -(0.9 + 0.025) * Math.log(0.4) - 3 * 0.025 * Math.log(0.2);
            NDArray loss = smoothed.compute(logits(m), targets(m, 2, 0, 3), weights(m, 0, 1, 0));
            assertEquals(expected, loss.getFloat(), 1e-6);
            // a uniform prediction costs ln K whatever the smoothing
            assertEquals(Math.log(4), smoothed.compute(logits(m), targets(m, 2, 0, 3), weights(m, 1, 0, 0)).getFloat(), 1e-6);
        }
    }

    @Test
    void sequencesNormalisationAveragesRowsAsTheOfficialCode() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = logits(m).concat(logits(m), 0);                           // (2, 3, 4)
            NDArray t = m.create(new long[] {2, 0, 3, 2, 0, 3}, new Shape(2, 3));
            NDArray w = m.create(new float[] {1, 1, 1, 1, 0, 0}, new Shape(2, 3));
            double ln4 = Math.log(4);
            double all = Math.log(4) + Math.log(2.5) + Math.log(6);
            assertEquals((all + ln4) / 4, MaskedTokenLoss.of(x, t, w).getFloat(), 1e-6);
            MaskedTokenLoss perRow = MaskedTokenLoss.builder().optNormalization(Normalization.SEQUENCES).build();
            assertEquals((all / 3 + ln4) / 2, perRow.compute(x, t, w).getFloat(), 1e-6);
            NDArray emptyRow = m.create(new float[] {1, 1, 1, 0, 0, 0}, new Shape(2, 3));
            assertFails(() -> perRow.compute(x, t, emptyRow), "row 1 of 2", "Normalization.TOKENS");
            assertEquals(all / 3, MaskedTokenLoss.of(x, t, emptyRow).getFloat(), 1e-6);
        }
    }

    @Test
    void weightsThatScoreNothingFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, 2, 0, 3), weights(m, 0, 0, 0)), "all 0");
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, 2, 0, 3), weights(m, 1, -1, 1)), ">= 0");
        }
    }

    @Test
    void mismatchedShapesFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, 2, 0), weights(m, 1, 1, 1)), "(1, 3)", "(1, 2)");
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, 2, 0, 3), weights(m, 1, 1, 1, 1)), "(1, 3)", "(1, 4)");
            assertFails(() -> MaskedTokenLoss.of(logits(m).reshape(3, 4), targets(m, 2, 0, 3), weights(m, 1, 1, 1)), "rank 3");
        }
    }

    @Test
    void targetsOutsideTheCodebookFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, 2, 4, 3), weights(m, 1, 1, 1)), "[0, 4)", "[2, 4]");
            assertFails(() -> MaskedTokenLoss.of(logits(m), targets(m, -1, 0, 3), weights(m, 1, 1, 1)), "[0, 4)", "[-1, 3]");
            assertFails(() -> MaskedTokenLoss.builder().optLabelSmoothing(1f).build(), "[0, 1)");
        }
    }

    @Test
    void temporariesStayWithTheLogits() {
        try (NDManager m = NDManager.newBaseManager(); NDManager held = NDManager.newBaseManager()) {
            NDArray t = targets(held, 2, 0, 3);
            NDArray w = weights(held, 1, 1, 1);
            int arrays = held.getManagedArrays().size();
            MaskedTokenLoss.builder().optLabelSmoothing(0.1f).build().compute(logits(m), t, w);
            assertEquals(arrays, held.getManagedArrays().size(), "nothing is left on the targets' and weights' manager");
        }
    }

    @Test
    void maskedWeightsMarkTheMaskToken() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray input = m.create(new long[] {4, 1, 4}, new Shape(1, 3));     // [MASK] = K = 4
            assertArrayEquals(new float[] {1, 0, 1}, MaskedTokenLoss.maskedWeights(input, 4).toFloatArray());
        }
    }

    private static void assertFails(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }
}
