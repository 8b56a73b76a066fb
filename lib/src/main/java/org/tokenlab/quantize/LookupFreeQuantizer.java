package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.CodeAxis;
import org.tokenlab.internal.Scalars;

/**
 * Lookup-free quantization (LFQ) from MAGVIT-v2, "Language Model Beats Diffusion: Tokenizer is Key
 * to Visual Generation" (Yu et al., 2024): each of the {@code d} feature dimensions is quantized to
 * its sign, so the codebook is the {@code K = 2^d} corners of {@code {-1, 1}^d} and needs no lookup
 * and no parameters.
 *
 * <p><b>Index bit order.</b> {@code index(z) = sum_i 2^(i-1) [z_i > 0]} (i from 1) as in the paper:
 * the <em>first</em> dimension is the <em>lowest</em> bit, so {@code z = [-0.3, 0.1]} has index 2.
 * Zero goes to -1. Some public code (e.g. lucidrains' vector-quantize-pytorch) uses the opposite,
 * most-significant-first order; its ids differ from ours by reversing the d bits.
 *
 * <p><b>Loss parts.</b> {@code "commitment"} = {@code commitmentWeight * mean((z - sg(q))^2)};
 * {@code "entropy"} = {@code entropyWeight * (mean_n H(p_n) - diversityWeight * H(mean_n p_n))} where
 * {@code p_n = softmax_c(2 z_n.c / temperature)} over the codes. Minimising it makes each token
 * confident and the batch use many codes. The per-token term is exact in O(d) (the assignment
 * factorizes over bits); the batch term is {@link EntropyMode#EXACT} over all 2^d codes or
 * {@link EntropyMode#SUBGROUPS}, an upper bound from groups of bits. With entropy weight 0 the entropy
 * is not computed and its part is a zero scalar, so the parts' names never change.
 *
 * <p><b>Saturation.</b> The bit probabilities are {@code sigmoid(4 z_i / temperature)}. At the
 * default temperature 0.01 a latent farther than about 0.02 from zero is already decided, and both
 * entropy terms have almost no gradient for it. So the entropy loss can keep a bit balanced only
 * through the tokens near the boundary; once every token of a batch has left zero on the same side,
 * the bit is dead. The commitment term pushes tokens away from zero, so a small model can reach that
 * state in a few steps (measured in {@link org.tokenlab.magvit2.Magvit2Config}'s notes). A higher
 * {@code optTemperature} widens the band where the entropy loss still acts. In those small runs a
 * temperature of 1 alone did not prevent the collapse; a commitment weight of 0.05 did.
 *
 * <pre>{@code
 * jshell> var lfq = LookupFreeQuantizer.builder().setCodebookSize(1 << 18).build();
 * jshell> var out = lfq.quantize(manager.randomNormal(new Shape(2, 18, 16, 16)), true);
 * jshell> out.indices().getShape()
 * $3 ==> (2, 16, 16)
 * jshell> lfq.entropyMode()
 * $4 ==> SUBGROUPS
 * }</pre>
 */
public final class LookupFreeQuantizer implements Quantizer, Resumable {

    /** How the entropy of the batch-mean code distribution is computed. */
    public enum EntropyMode {
        /** {@link #EXACT} when {@code d <= exactLimitBits}, else {@link #SUBGROUPS}. */
        AUTO,
        /** Exact over all {@code 2^d} codes, in chunks; time {@code tokens x 2^d x d}. */
        EXACT,
        /**
         * The sum of the exact entropies of each group of {@code groupBits} bits' {@code 2^g}-way
         * marginal. Entropy is subadditive, so this is an upper bound on the exact batch entropy that
         * ignores dependence between groups: it rewards spreading each group's bits, not the joint
         * code. Equal to {@link #EXACT} when the groups are independent in the batch.
         */
        SUBGROUPS
    }

    private static final String NAME = "LookupFreeQuantizer";

    private final int dimension;
    private final double commitmentWeight;
    private final double entropyWeight;
    private final EntropyAnnealing annealing;
    private final double temperature;
    private final double diversityWeight;
    private final EntropyMode mode;
    private final int groupBits;
    private final AtomicLong trainingStep = new AtomicLong();

    LookupFreeQuantizer(LookupFreeQuantizerBuilder b, EntropyMode resolvedMode, int resolvedGroupBits) {
        dimension = b.dimension;
        commitmentWeight = b.commitmentWeight;
        entropyWeight = b.entropyWeight;
        annealing = b.annealing;
        temperature = b.temperature;
        diversityWeight = b.diversityWeight;
        mode = resolvedMode;
        groupBits = resolvedGroupBits;
    }

    /** A builder: {@code setCodebookSize} or {@code setCodeDimension} is required. */
    public static LookupFreeQuantizerBuilder builder() {
        return new LookupFreeQuantizerBuilder();
    }

    /**
     * Quantizes features {@code (B, d, ...)}. Returns quantized {@code (B, d, ...)} in {-1, 1} with a
     * straight-through gradient, indices {@code (B, ...)} int64 and the loss; all attached to the
     * features' manager. A training call advances the entropy annealing by one step.
     */
    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        checkFeatures(features);
        double weight = training ? entropyWeightAt(trainingStep.getAndIncrement()) : entropyWeight();
        NDManager owner = features.getManager();
        try (NDManager scope = owner.newSubManager()) {
            features.tempAttach(scope);
            NDArray codes = binarize(features); // (B, d, ...)
            NDArray quantized = features.add(codes.sub(features).stopGradient());
            NDArray indices = indices(features);
            Map<String, NDArray> parts = new LinkedHashMap<>();
            parts.put("commitment", commitmentLoss(features, codes));
            parts.put("entropy", weight == 0 ? scope.zeros(new Shape(), features.getDataType())
                    : entropyLoss(features).mul(Scalars.of(features, weight)));
            NDArray loss = parts.get("commitment").add(parts.get("entropy"));
            for (NDArray kept : new NDArray[] {quantized, indices, loss}) {
                kept.attach(owner);
            }
            parts.values().forEach(part -> part.attach(owner));
            return new QuantizerOutput(quantized, indices, loss, parts);
        }
    }

    /**
     * The codes {@code (B, d, ...)} float32 in {-1, 1} of ids {@code (B, ...)}: dimension i is
     * {@code ((id >> i) & 1) * 2 - 1}. Attached to the indices' manager.
     *
     * @throws IllegalArgumentException for non-integer ids or ids outside {@code [0, 2^d)}
     */
    @Override
    public NDArray indicesToCodes(NDArray indices) {
        CodeAxis.checkIndices(indices, codebookSize(), NAME);
        NDManager owner = indices.getManager();
        try (NDManager scope = owner.newSubManager()) {
            indices.tempAttach(scope);
            long[] modulus = new long[dimension];
            long[] half = new long[dimension];
            for (int i = 0; i < dimension; i++) {
                half[i] = 1L << i;
                modulus[i] = 2 * half[i];
            }
            Shape bitShape = bitAxisShape(indices.getShape().dimension() + 1);
            NDArray ids = indices.toType(DataType.INT64, false).expandDims(1); // (B, 1, ...)
            NDArray bits = ids.mod(scope.create(modulus).reshape(bitShape)).gte(scope.create(half).reshape(bitShape));
            NDArray codes = bits.toType(DataType.FLOAT32, false).mul(2).sub(1); // (B, d, ...)
            codes.attach(owner);
            return codes;
        }
    }

    @Override
    public long codebookSize() {
        return 1L << dimension;
    }

    @Override
    public int codeDimension() {
        return dimension;
    }

    /** The batch-entropy mode in use: {@link EntropyMode#AUTO} is resolved when built. */
    public EntropyMode entropyMode() {
        return mode;
    }

    /** The bits per group in {@link EntropyMode#SUBGROUPS} mode; the code dimension in EXACT mode. */
    public int groupBits() {
        return groupBits;
    }

    @Override
    public Map<String, String> configuration() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", NAME);
        out.put("codeDimension", String.valueOf(dimension));
        out.put("commitmentWeight", String.valueOf(commitmentWeight));
        out.put("entropyWeight", String.valueOf(entropyWeight));
        out.put("entropyAnnealing", String.valueOf(annealing));
        out.put("temperature", String.valueOf(temperature));
        out.put("diversityWeight", String.valueOf(diversityWeight));
        out.put("entropyMode", String.valueOf(mode));
        out.put("groupBits", String.valueOf(groupBits));
        return out;
    }

    /** Saves the annealing step ({@link #trainingStep()}). */
    @Override
    public void saveState(TrainingState state) {
        state.putLong("trainingStep", trainingStep());
    }

    @Override
    public void loadState(TrainingState state) {
        setTrainingStep(state.getLong("trainingStep"));
    }

    /** How many training calls this quantizer has seen (the annealing step of the next one). */
    public long trainingStep() {
        return trainingStep.get();
    }

    /** Sets the training step, e.g. when resuming from a checkpoint. */
    public void setTrainingStep(long step) {
        Checks.require(step >= 0, "%s training step must be at least 0, got %d", NAME, step);
        trainingStep.set(step);
    }

    /** The entropy weight the next training call will use (constant unless annealed). */
    public double entropyWeight() {
        return entropyWeightAt(trainingStep.get());
    }

    private double entropyWeightAt(long step) {
        return annealing == null ? entropyWeight : annealing.weightAt(step);
    }

    private void checkFeatures(NDArray features) {
        Checks.notNull(features, "features");
        Shape s = features.getShape();
        if (s.dimension() >= 2 && s.get(1) != dimension) {
            throw new IllegalArgumentException(String.format("%s expects code dimension %d on axis 1 (log2 of "
                    + "codebook size %d), got shape %s; features are channel-first (B, D, H, W)%s", NAME, dimension,
                    codebookSize(), Checks.describe(s), s.get(s.dimension() - 1) == dimension
                            ? ", so move the last axis to axis 1" : ""));
        }
        CodeAxis.check(features, dimension, NAME);
        Checks.require(features.size() > 0, "%s expects at least one token, got shape %s", NAME,
                Checks.describe(s));
    }

    /** Sign quantization {@code (B, d, ...)}: +1 where z > 0, else -1 (zero goes to -1). */
    private static NDArray binarize(NDArray features) {
        return features.gt(0).toType(features.getDataType(), false).mul(2).sub(1);
    }

    /** Ids {@code (B, ...)} int64: {@code sum_i 2^i [z_i > 0]}, dimension 0 the lowest bit. */
    private NDArray indices(NDArray features) {
        long[] powers = new long[dimension];
        for (int i = 0; i < dimension; i++) {
            powers[i] = 1L << i;
        }
        NDArray weights = features.getManager().create(powers).reshape(bitAxisShape(features.getShape().dimension()));
        return features.gt(0).toType(DataType.INT64, false).mul(weights).sum(new int[] {1});
    }

    /** {@code (1, d, 1, ...)} of the given rank, to broadcast per-bit values along axis 1. */
    private Shape bitAxisShape(int rank) {
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        dims[1] = dimension;
        return new Shape(dims);
    }

    /** {@code commitmentWeight * mean((z - sg(q))^2)}, a scalar. */
    private NDArray commitmentLoss(NDArray features, NDArray codes) {
        return features.sub(codes.stopGradient()).square().mean().mul(Scalars.of(features, commitmentWeight));
    }

    /** {@code mean_n H(p_n) - diversityWeight * H(mean_n p_n)}, unweighted, a scalar. */
    private NDArray entropyLoss(NDArray features) {
        long tokens = features.size() / dimension;
        NDArray logits = features.mul(Scalars.of(features, 4 / temperature)); // (B, d, ...): p_i(+1) = sigmoid(4 z_i / T)
        NDArray perSample = LfqEntropy.perSample(logits, tokens);
        if (diversityWeight == 0) {
            return perSample;
        }
        NDArray rows = CodeAxis.toRows(logits); // (N, d)
        NDArray batch = LfqEntropy.batch(rows, groupBits, LfqEntropy.CHUNK_ELEMENTS);
        return perSample.sub(batch.mul(Scalars.of(batch, diversityWeight)));
    }
}
