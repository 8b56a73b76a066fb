package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.internal.Scalars;

/**
 * The masked-token-modeling loss of a {@link MaskedTokenTransformer}: the cross-entropy of its
 * logits {@code (B, L, K)} against the true codes {@code (B, L)}, weighted per position and divided
 * by the weights' sum.
 * <pre>
 *   ce[b, l]  = -sum_k q[b, l, k] * log softmax(logits[b, l])[k]       q = (1 - eps) * onehot(target) + eps / K
 *   TOKENS    : loss = sum_bl w[b, l] * ce[b, l] / sum_bl w[b, l]                      (default)
 *   SEQUENCES : loss = mean_b ( sum_l w[b, l] * ce[b, l] / sum_l w[b, l] )
 * </pre>
 * The weights say which positions are scored: MaskGIT's are 1 where the input held {@code [MASK]}
 * and 0 elsewhere ({@link #maskedWeights}); MAGVIT's COMMIT weighs every grid position (its
 * "mask+refine+recons" mode), so the model also learns to refine the condition tokens it was given
 * and to reproduce the ones it saw.
 *
 * <p><b>Compared with the official code.</b> Both MaskGIT ({@code maskgit/libml/losses.py},
 * {@code weighted_sequence_cross_entropy_loss}) and MAGVIT ({@code videogvt/trainers/
 * maskgvt_trainer.py}, {@code train_step}) normalise per sequence, {@link Normalization#SEQUENCES}
 * here: each row's weighted sum is divided by that row's weights, then rows are averaged, so every
 * example counts the same however many of its tokens were masked. MaskGIT divides by the row's sum
 * as it is (a row without weight gives NaN), MAGVIT adds {@code 1e-8} (such a row counts as 0 in
 * the mean); here such a row is an error. The default, {@link Normalization#TOKENS}, divides by the
 * sum of all weights in the batch instead, so every scored token counts the same (what PyTorch's
 * {@code cross_entropy} with {@code ignore_index} computes); the two agree when every row has the
 * same weight, as with one mask ratio per batch (MAGVIT draws one ratio per batch, MaskGIT one per
 * example). Label smoothing is theirs too ({@code apply_label_smoothing}: the on-value becomes
 * {@code 1 - eps + eps / K}, the off-values {@code eps / K}); the functions default to 0, as here,
 * while the configurations set 0.1 (MaskGIT, {@code maskgit_class_cond_config.py}) and 1e-4
 * (MAGVIT, {@code maskgvt_ucf101_config.py}; its BAIR configuration sets none).
 *
 * <pre>{@code
 * jshell> NDArray logits = manager.randomNormal(new Shape(2, 256, 512));                 // (B, L, K), e.g. from MaskedTokenTransformer.forward
 * jshell> NDArray input = grids.duplicate();                                            // grids (2, 256) int64 codes
 * jshell> input.set(new NDIndex(":, :128"), 512);                                       // the first half hidden: [MASK] = K
 * jshell> NDArray loss = MaskedTokenLoss.of(logits, grids, MaskedTokenLoss.maskedWeights(input, 512));  // () MaskGIT's loss
 * jshell> var official = MaskedTokenLoss.builder().optLabelSmoothing(0.1f).optNormalization(MaskedTokenLoss.Normalization.SEQUENCES).build();
 * jshell> NDArray commit = official.compute(logits, grids, manager.ones(new Shape(2, 256)));     // MAGVIT's: every position
 * }</pre>
 */
public final class MaskedTokenLoss {

    /** What the weighted sum of cross-entropies is divided by. */
    public enum Normalization {
        /** The sum of all weights in the batch: every scored token counts the same. */
        TOKENS,
        /** Each row by its own weights, then the mean over rows: every example counts the same (MaskGIT's and MAGVIT's code). */
        SEQUENCES
    }

    private static final MaskedTokenLoss DEFAULTS = builder().build();

    private final float labelSmoothing;
    private final Normalization normalization;

    private MaskedTokenLoss(Builder b) {
        this.labelSmoothing = b.labelSmoothing;
        this.normalization = b.normalization;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loss {@code ()} without label smoothing, normalised by the sum of all weights
     * ({@link Normalization#TOKENS}): see {@link #compute}.
     */
    public static NDArray of(NDArray logits, NDArray targets, NDArray weights) {
        return DEFAULTS.compute(logits, targets, weights);
    }

    /**
     * Weights {@code (B, L)} float32, 1 where {@code input (B, L)} holds {@code maskId} and 0
     * elsewhere: MaskGIT's, which score only the positions the model could not see. Owned by the
     * input's manager.
     */
    public static NDArray maskedWeights(NDArray input, int maskId) {
        Checks.rank(input, "MaskedTokenLoss.maskedWeights input ids (B, L)", 2);
        return input.eq(maskId).toType(DataType.FLOAT32, false);
    }

    /**
     * The weighted loss, a scalar {@code ()}, of {@code logits (B, L, K)} against {@code targets
     * (B, L)} (int64 or int32 codes in {@code [0, K)}) with {@code weights (B, L)} (float, or boolean
     * as 1 and 0; non-negative, not all 0), normalised as this loss's {@link Normalization} says. The
     * result and its temporaries belong to the logits' manager; the gradient flows to the logits.
     *
     * @throws IllegalArgumentException for shapes that do not match, targets outside {@code [0, K)},
     *     negative or non-finite weights, weights that sum to 0 (in a row, for {@code SEQUENCES})
     */
    public NDArray compute(NDArray logits, NDArray targets, NDArray weights) {
        NDArray ce = perPosition(logits, targets);                                // (B, L)
        Shape s = ce.getShape();
        Checks.rank(weights, "MaskedTokenLoss weights (B, L)", 2);
        Checks.require(weights.getShape().equals(s),
                "MaskedTokenLoss expects weights %s, one per target, got %s; MaskGIT's are maskedWeights(input, maskId), "
                        + "MAGVIT's all ones",
                Checks.describe(s), Checks.describe(weights.getShape()));
        NDArray w = weights.toType(ce.getDataType(), true);                       // (B, L), an engine-owned copy: the graph keeps it
        w.attach(ce.getManager());                                                // with the loss's other temporaries
        checkWeights(w);
        NDArray weighted = ce.mul(w);                                             // (B, L)
        if (normalization == Normalization.TOKENS) {
            return weighted.sum().div(w.sum());
        }
        NDArray rows = w.sum(new int[] {1});                                      // (B,)
        checkRows(rows);
        return weighted.sum(new int[] {1}).div(rows).mean();
    }

    /**
     * The factorized loss, a scalar {@code ()}: the sum over parts {@code j} of this loss (same
     * weights, normalization and label smoothing, {@code eps / 2^b_j} per part) of part {@code j}'s
     * logits against part {@code j} of the targets:
     * <pre>
     *   loss = sum_j compute(logits_j, part_j(targets), weights)
     * </pre>
     * {@code logits (B, L, W)} are the parts' logits side by side (a model built with
     * {@code optFactorization}), {@code targets (B, L)} whole codes in {@code [0, 2^d)}. Without label
     * smoothing this is the weighted mean of each code's negative log-likelihood
     * {@code -log prod_j p_j(part_j)}. On the logits' manager, with their gradient.
     *
     * @throws IllegalArgumentException as {@link #compute(NDArray, NDArray, NDArray)}, and for logits
     *     whose last axis is not the factorization's width
     */
    public NDArray compute(NDArray logits, NDArray targets, NDArray weights, TokenFactorization factorization) {
        Checks.notNull(factorization, "factorization");
        factorization.checkLogits(logits, "MaskedTokenLoss");
        Checks.rank(logits, "MaskedTokenLoss logits (B, L, W)", 3);
        Checks.rank(targets, "MaskedTokenLoss targets (B, L)", 2);
        Shape s = logits.getShape();
        Checks.require(targets.getShape().equals(new Shape(s.get(0), s.get(1))),
                "MaskedTokenLoss expects targets (%d, %d), the true codes of the logits %s, got %s",
                s.get(0), s.get(1), Checks.describe(s), Checks.describe(targets.getShape()));
        Checks.require(targets.getDataType() == DataType.INT64 || targets.getDataType() == DataType.INT32,
                "MaskedTokenLoss expects int64 targets (B, L), got %s; convert with targets.toType(DataType.INT64, false)",
                targets.getDataType());
        NDArray parts = factorization.split(targets);                              // (B, L, k) on the targets' manager
        parts.attach(logits.getManager());
        List<NDArray> partLogits = factorization.partLogits(logits);               // each (B, L, 2^b_j)
        NDArray loss = null;
        for (int j = 0; j < factorization.parts(); j++) {
            NDArray part = compute(partLogits.get(j), parts.get(new NDIndex("..., {}", j)), weights);
            loss = loss == null ? part : loss.add(part);
        }
        return loss;
    }

    /**
     * The cross-entropy {@code (B, L)} at each position, label-smoothed and unweighted, of
     * {@code logits (B, L, K)} against {@code targets (B, L)} in {@code [0, K)}; on the logits'
     * manager, with their gradient.
     */
    public NDArray perPosition(NDArray logits, NDArray targets) {
        Checks.rank(logits, "MaskedTokenLoss logits (B, L, K)", 3);
        Checks.rank(targets, "MaskedTokenLoss targets (B, L)", 2);
        Shape s = logits.getShape();
        Checks.require(logits.getDataType().isFloating(),
                "MaskedTokenLoss expects float logits (B, L, K), got %s; pass the model's output", logits.getDataType());
        Checks.require(targets.getShape().equals(new Shape(s.get(0), s.get(1))),
                "MaskedTokenLoss expects targets (%d, %d), the true codes of the logits %s, got %s; "
                        + "the targets are the grid without its prefix, as the logits are",
                s.get(0), s.get(1), Checks.describe(s), Checks.describe(targets.getShape()));
        DataType type = targets.getDataType();
        Checks.require(type == DataType.INT64 || type == DataType.INT32,
                "MaskedTokenLoss expects int64 targets (B, L), got %s; convert with targets.toType(DataType.INT64, false)", type);
        NDArray t = targets.toType(DataType.INT64, true);                         // (B, L), engine-owned: gather keeps its index
        t.attach(logits.getManager());                                            // not left on the targets' manager
        checkTargets(t, s.get(2));
        NDArray logProbabilities = logits.logSoftmax(-1);                        // (B, L, K)
        NDArray picked = logProbabilities.gather(t.expandDims(-1), -1).squeeze(-1); // (B, L)
        if (labelSmoothing == 0) {
            return picked.neg();
        }
        // -(1 - eps) log p[target] - (eps / K) sum_k log p[k]
        NDArray uniform = logProbabilities.mean(new int[] {-1});                 // (B, L)
        return picked.mul(Scalars.of(picked, 1 - labelSmoothing)).add(uniform.mul(Scalars.of(uniform, labelSmoothing))).neg();
    }

    /** The label smoothing {@code eps}. */
    public float labelSmoothing() {
        return labelSmoothing;
    }

    /** What the weighted sum is divided by. */
    public Normalization normalization() {
        return normalization;
    }

    private static void checkTargets(NDArray targets, long codes) {
        long[] range = TransformerStack.range(targets);
        Checks.require(range[0] >= 0 && range[1] < codes,
                "MaskedTokenLoss targets must be codes in [0, %d), got values in [%d, %d]; "
                        + "the targets are the true codes (not [MASK] %d, nor task or class ids)",
                codes, range[0], range[1], codes);
    }

    private static void checkWeights(NDArray w) {
        double[] minAndSum;
        try (NDArray min = w.min(); NDArray sum = w.sum(); NDArray both = min.stack(sum)) {
            minAndSum = HostValues.doubles(both);                                 // (2,): the smallest weight, the sum
        }
        Checks.require(Double.isFinite(minAndSum[1]) && minAndSum[0] >= 0,
                "MaskedTokenLoss expects finite weights >= 0, got a minimum of %s and a sum of %s", minAndSum[0], minAndSum[1]);
        Checks.require(minAndSum[1] > 0,
                "MaskedTokenLoss weights are all 0, so no position is scored; weigh at least one position "
                        + "(MaskGIT: mask at least one token per row, MaskSchedule.trainingMaskCount does)");
    }

    private static void checkRows(NDArray rows) {
        double[] sums = HostValues.doubles(rows);
        for (int b = 0; b < sums.length; b++) {
            Checks.require(sums[b] > 0,
                    "MaskedTokenLoss with Normalization.SEQUENCES needs weight in every row, but row %d of %d has none; "
                            + "weigh at least one position per row, or use Normalization.TOKENS",
                    b, sums.length);
        }
    }

    /** Builder: every option has a default. */
    public static final class Builder {
        private float labelSmoothing;
        private Normalization normalization = Normalization.TOKENS;

        /**
         * Label smoothing {@code eps} in {@code [0, 1)} (default 0: none), as MaskGIT's and MAGVIT's
         * code: the target keeps {@code 1 - eps + eps / K}, every code gets {@code eps / K}. Their
         * configurations use 0.1 (MaskGIT on ImageNet) and 1e-4 (MAGVIT on UCF-101).
         */
        public Builder optLabelSmoothing(float labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** What the weighted sum is divided by (default {@link Normalization#TOKENS}; the official code's is {@code SEQUENCES}). */
        public Builder optNormalization(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        public MaskedTokenLoss build() {
            Checks.require(labelSmoothing >= 0 && labelSmoothing < 1,
                    "optLabelSmoothing must be in [0, 1) (0: none; MaskGIT uses 0.1), got %s", labelSmoothing);
            Checks.notNull(normalization, "optNormalization");
            return new MaskedTokenLoss(this);
        }
    }
}
