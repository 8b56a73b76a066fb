package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Slices;

/**
 * The next-token loss of an autoregressive model: the mean over positions of
 * {@code -log softmax(logits)[target]}, plus the shift that turns one sequence into inputs and
 * targets. For a sequence {@code [class, t_1, ..., t_L]}:
 * <pre>
 *   inputsOf  -> [class, t_1, ..., t_(L-1)]     fed to the model
 *   targetsOf -> [t_1,   t_2, ..., t_L]         compared with its logits
 * </pre>
 * With a longer prefix ({@code [c_1, c_2, t_1, ...]}) the first targets are prefix tokens the head
 * cannot predict; {@link #crossEntropy(NDArray, NDArray, int)} skips them.
 *
 * <pre>{@code
 * jshell> NDArray loss = CausalLoss.crossEntropy(model.forward(ps, CausalLoss.inputsOf(seq), null, true), CausalLoss.targetsOf(seq));
 * }</pre>
 */
public final class CausalLoss {

    private CausalLoss() {}

    /** All but the last position of {@code sequence (B, L+1)}: the model's inputs {@code (B, L)}. */
    public static NDArray inputsOf(NDArray sequence) {
        checkSequence(sequence);
        return sequence.get(":, :-1");
    }

    /** All but the first position of {@code sequence (B, L+1)}: the targets {@code (B, L)}. */
    public static NDArray targetsOf(NDArray sequence) {
        checkSequence(sequence);
        return sequence.get(":, 1:");
    }

    /** Mean cross-entropy, a scalar {@code ()}, of {@code logits (B, L, V)} against ids {@code targets (B, L)} in {@code [0, V)}. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return crossEntropy(logits, targets, 0);
    }

    /**
     * Mean cross-entropy, a scalar {@code ()}, over positions {@code ignoreFirst .. L-1} of
     * {@code logits (B, L, V)} against {@code targets (B, L)}; the first {@code ignoreFirst} positions
     * (a conditioning prefix) are left out and may hold ids outside {@code [0, V)}. The result is on
     * the logits' manager and carries their gradient.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets, int ignoreFirst) {
        Shape s = checkShapes(logits, targets, ignoreFirst, "V");
        NDIndex kept = new NDIndex(":, {}:", ignoreFirst);
        NDArray t = targets.get(kept).toType(DataType.INT64, false);
        checkTargets(t, s.get(2));
        NDArray logProbabilities = logits.get(kept).logSoftmax(-1);                 // (B, L', V)
        NDArray picked = logProbabilities.gather(t.expandDims(-1), -1);             // (B, L', 1)
        return picked.mean().neg();
    }

    /**
     * The factorized next-token loss, a scalar {@code ()}: the sum over parts {@code j} of the mean
     * cross-entropy of part {@code j}'s logits against part {@code j} of the targets, over positions
     * {@code ignoreFirst .. L-1} of {@code logits (B, L, W)} (the parts' logits side by side, from a
     * model built with {@code optFactorization}) and {@code targets (B, L)} (whole codes in
     * {@code [0, 2^d)} past the skipped positions):
     * <pre>
     *   loss = sum_j mean_(b, l &gt;= ignoreFirst) -log softmax(logits_j[b, l])[part_j(targets[b, l])]
     * </pre>
     * that is {@code -log prod_j p_j(part_j)}, the code's negative log-likelihood under the
     * factorized model. On the logits' manager, with their gradient.
     *
     * @throws IllegalArgumentException for logits whose last axis is not the factorization's width,
     *     or targets outside {@code [0, 2^d)} past the skipped positions
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets, int ignoreFirst, TokenFactorization factorization) {
        Checks.notNull(factorization, "factorization");
        factorization.checkLogits(logits, "CausalLoss");
        Shape s = checkShapes(logits, targets, ignoreFirst, "W");
        NDIndex kept = new NDIndex(":, {}:", ignoreFirst);
        NDArray parts = factorization.split(targets.get(kept));                    // (B, L', k)
        parts.attach(logits.getManager());
        List<NDArray> partLogits = factorization.partLogits(logits.get(kept));      // each (B, L', 2^b_j)
        NDArray loss = null;
        for (int j = 0; j < factorization.parts(); j++) {
            NDArray part = crossEntropy(partLogits.get(j), parts.get(new NDIndex("..., {}", j)), 0);
            loss = loss == null ? part : loss.add(part);
        }
        return loss;
    }

    /**
     * The mean next-token loss of {@code model} on whole sequences {@code (N, L+1)} (e.g. held-out
     * digits with their class prefix), in evaluation mode and {@code batchSize} sequences at a time;
     * the first {@code ignoreFirst} targets are skipped as in {@link #crossEntropy(NDArray, NDArray, int)}.
     * Nothing computed is kept and no autograd graph is recorded. In nats per token: {@code ln V} is
     * the cost of guessing uniformly. A factorized model is scored with the sum of its parts' losses.
     */
    public static double evaluate(TokenTransformer model, NDArray sequences, int ignoreFirst, int batchSize) {
        Checks.notNull(model, "model");
        checkSequence(sequences);
        Checks.positive(batchSize, "batchSize");
        double[] sum = new double[1];
        try (Autograd.Paused paused = Autograd.pause()) {
            Slices.forEach(sequences, batchSize, batch -> {
                NDArray logits = model.logits(inputsOf(batch));
                NDArray loss = model.factorization().isPresent()
                        ? crossEntropy(logits, targetsOf(batch), ignoreFirst, model.factorization().get())
                        : crossEntropy(logits, targetsOf(batch), ignoreFirst);
                sum[0] += loss.getFloat() * batch.getShape().get(0);
            });
        }
        return sum[0] / sequences.getShape().get(0);
    }

    private static void checkTargets(NDArray targets, long vocabulary) {
        try (NDArray lo = targets.min(); NDArray hi = targets.max()) {
            long min = lo.getLong();
            long max = hi.getLong();
            Checks.require(min >= 0 && max < vocabulary,
                    "CausalLoss targets must be image tokens in [0, %d), got values in [%d, %d]; "
                            + "skip a class prefix with crossEntropy(logits, targets, ignoreFirst)",
                    vocabulary, min, max);
        }
    }

    private static void checkSequence(NDArray sequence) {
        Checks.rank(sequence, "CausalLoss sequence (B, L+1)", 2);
        Checks.require(sequence.getShape().get(1) >= 2,
                "a sequence needs at least 2 positions to give inputs and targets, got shape %s", Checks.describe(sequence.getShape()));
    }

    /** Checks logits {@code (B, L, axis)} against targets {@code (B, L)} and {@code ignoreFirst}; the logits' shape. */
    private static Shape checkShapes(NDArray logits, NDArray targets, int ignoreFirst, String axis) {
        Checks.rank(logits, "CausalLoss logits (B, L, " + axis + ")", 3);
        Checks.rank(targets, "CausalLoss targets (B, L)", 2);
        Shape s = logits.getShape();
        Checks.require(targets.getShape().get(0) == s.get(0) && targets.getShape().get(1) == s.get(1),
                "CausalLoss expects targets (%d, %d) matching logits %s, got %s; shift with CausalLoss.targetsOf(sequence)",
                s.get(0), s.get(1), Checks.describe(s), Checks.describe(targets.getShape()));
        Checks.require(ignoreFirst >= 0 && ignoreFirst < s.get(1),
                "ignoreFirst must be in [0, %d) for %d positions, got %d", s.get(1), s.get(1), ignoreFirst);
        return s;
    }
}
