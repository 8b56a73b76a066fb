package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CausalLossTest {

    private static final float LN2 = (float) Math.log(2);

    /** Position 0: uniform over 3 ids, target 1 -> ln 3. Position 1: probabilities (1/4, 1/2, 1/4), target 1 -> ln 2. */
    private static NDArray logits(NDManager m) {
        return m.create(new float[] {0, 0, 0, 0, LN2, 0}, new Shape(1, 2, 3));
    }

    @Test
    void isTheMeanNegativeLogProbabilityOfTheTargets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loss = CausalLoss.crossEntropy(logits(m), m.create(new long[] {1, 1}, new Shape(1, 2)));
            assertEquals(new Shape(), loss.getShape());
            assertEquals((Math.log(3) + Math.log(2)) / 2, loss.getFloat(), 1e-6);
        }
    }

    @Test
    void ignoresAPrefixThatHoldsClassTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray targets = m.create(new long[] {7, 1}, new Shape(1, 2)); // 7: a class token, not predictable
            assertEquals(Math.log(2), CausalLoss.crossEntropy(logits(m), targets, 1).getFloat(), 1e-6);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CausalLoss.crossEntropy(logits(m), targets));
            assertTrue(e.getMessage().contains("[0, 3)") && e.getMessage().contains("ignoreFirst"), e.getMessage());
        }
    }

    @Test
    void shiftsASequenceIntoInputsAndTargets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sequence = m.create(new long[] {10, 1, 2, 3}, new Shape(1, 4)); // [class, t1, t2, t3]
            assertArrayEquals(new long[] {10, 1, 2}, CausalLoss.inputsOf(sequence).toLongArray());
            assertArrayEquals(new long[] {1, 2, 3}, CausalLoss.targetsOf(sequence).toLongArray());
        }
    }

    @Test
    void mismatchedShapesFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CausalLoss.crossEntropy(logits(m), m.create(new long[] {1, 1, 1}, new Shape(1, 3))));
            assertTrue(e.getMessage().contains("(1, 2, 3)") && e.getMessage().contains("(1, 3)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CausalLoss.crossEntropy(logits(m), m.create(new long[] {1, 1})));
            assertThrows(IllegalArgumentException.class, () -> CausalLoss.inputsOf(m.create(new long[] {1}, new Shape(1, 1))));
        }
    }

    @Test
    void evaluateAveragesOverBatchesAndKeepsNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 8, 2, 6);
            NDArray sequences = TinyModels.ids(m, 5, 5, 7, 8);            // (5, 7): 6 inputs, 6 targets
            double whole = CausalLoss.crossEntropy(model.logits(CausalLoss.inputsOf(sequences)),
                    CausalLoss.targetsOf(sequences)).getFloat();
            long arrays = m.getManagedArrays().size();
            double batched = CausalLoss.evaluate(model, sequences, 0, 2);   // batches of 2, 2, 1
            assertEquals(whole, batched, 1e-5);
            assertEquals(arrays, m.getManagedArrays().size(), "no array is left on the sequences' manager");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CausalLoss.evaluate(model, sequences, 0, 0));
            assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        }
    }
}
