package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.nn.KvCache;

/**
 * Draws token sequences one id at a time from an autoregressive model: at each step the logits of
 * the last position are divided by the temperature, cut to the top-k ids and to the top-p nucleus
 * ({@link LogitFilters}), and one id per row is drawn from their softmax and appended.
 *
 * <p><b>Seeds.</b> Draws come from one {@code java.util.Random(seed)} made afresh by each
 * {@code sample} call, consumed row by row at each step, on the host. So the same seed, model,
 * prefix and settings give the same ids on the same engine, whatever the engine's own random state.
 *
 * <p><b>The model.</b> Given a {@link TokenTransformer} and {@code optUseCache(true)} (the default),
 * the prefix is fed once and then only the newest id, with a {@link KvCache}; otherwise the whole
 * sequence is fed again at every step. Any other model can be passed as a function
 * {@code ids (B, t) -> logits (B, t, V)}, MaskGIT style; it is then always fed the whole sequence.
 *
 * <p><b>Factorized models.</b> For a model built with {@code optFactorization} (or a function with
 * a {@link TokenFactorization}), each position's logits are the sub-tokens' side by side: each part
 * is drawn from its own logits, with the temperature, top-k and top-p applied to that part alone,
 * part 0 first, and the parts are joined into one code. The parts are independent given the
 * context, as the model predicts them.
 *
 * <pre>{@code
 * jshell> var sampler = AutoregressiveSampler.builder().optTemperature(0.9f).optTopK(100).optSeed(7).build();
 * jshell> NDArray ids = sampler.sample(gpt, gpt.classPrefix(manager, 3, 3), 256);   // (2, 256) int64
 * jshell> NDArray grid = ids.reshape(2, 16, 16);
 * }</pre>
 */
public final class AutoregressiveSampler {

    private final float temperature;
    private final int topK;      // 0: off
    private final double topP;   // 1: off
    private final long seed;
    private final boolean useCache;

    private AutoregressiveSampler(Builder b) {
        this.temperature = b.temperature;
        this.topK = b.topK == null ? 0 : b.topK;
        this.topP = b.topP;
        this.seed = b.seed;
        this.useCache = b.useCache;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code length} new ids {@code (B, length)} int64 following {@code prefix (B, P)} (e.g. class
     * tokens from {@link TokenTransformer#classPrefix}, or the start of a grid to complete), owned by
     * the prefix's manager; the prefix is not repeated in the result. No autograd graph is recorded.
     *
     * @throws IllegalArgumentException when {@code P + length - 1} exceeds the model's maxLength
     */
    public NDArray sample(TokenTransformer model, NDArray prefix, int length) {
        Checks.notNull(model, "model");
        long[][] sequences = start(prefix, length);
        int p = (int) prefix.getShape().get(1);
        Checks.require(p + length - 1 <= model.maxLength(),
                "sampling %d tokens after a prefix of %d reads %d positions, but the model reads at most %d (maxLength); "
                        + "sample at most %d tokens",
                length, p, p + length - 1, model.maxLength(), model.maxLength() - p + 1);
        try (Autograd.Paused paused = Autograd.pause()) {
            TokenFactorization factors = model.factorization().orElse(null);
            if (!useCache) {
                return generate(prefix.getManager(), sequences, p, length, model::logits, false, factors);
            }
            try (KvCache cache = model.newCache(prefix.getManager())) {
                return generate(prefix.getManager(), sequences, p, length, ids -> model.logits(ids, cache), true, factors);
            }
        }
    }

    /**
     * Like {@link #sample(TokenTransformer, NDArray, int)} for any model given as a function from ids
     * {@code (B, t)} int64 to logits {@code (B, t, V)}; the whole sequence is fed at every step (no
     * cache). The function's results should belong to its input's manager, which is closed after each
     * step. The function runs with autograd recording off.
     */
    public NDArray sample(Function<NDArray, NDArray> model, NDArray prefix, int length) {
        Checks.notNull(model, "model");
        long[][] sequences = start(prefix, length);
        try (Autograd.Paused paused = Autograd.pause()) {
            return generate(prefix.getManager(), sequences, (int) prefix.getShape().get(1), length, model, false, null);
        }
    }

    /**
     * Like {@link #sample(Function, NDArray, int)} for a factorized model: the function maps ids
     * {@code (B, t)} to the sub-tokens' logits side by side {@code (B, t, W)}, each part is drawn and
     * the parts are joined, so the result holds whole codes {@code (B, length)} in {@code [0, 2^d)}.
     */
    public NDArray sample(Function<NDArray, NDArray> model, TokenFactorization factorization, NDArray prefix, int length) {
        Checks.notNull(model, "model");
        Checks.notNull(factorization, "factorization");
        long[][] sequences = start(prefix, length);
        try (Autograd.Paused paused = Autograd.pause()) {
            return generate(prefix.getManager(), sequences, (int) prefix.getShape().get(1), length, model, false, factorization);
        }
    }

    /** One code drawn from one position's logits {@code (W)}: each part from its own columns, then joined. */
    private long drawFactorized(float[] logits, TokenFactorization factors, Random random) {
        long[] parts = new long[factors.parts()];
        for (int j = 0; j < parts.length; j++) {
            int from = factors.logitsOffset(j);
            parts[j] = LogitFilters.draw(distribution(Arrays.copyOfRange(logits, from, from + factors.partSize(j))), random);
        }
        return factors.join(parts);
    }

    /** The distribution this sampler draws from, given one row of logits {@code (V)}; the row is not changed. */
    public double[] distribution(float[] logits) {
        float[] row = logits.clone();
        LogitFilters.scale(row, temperature);
        if (topK > 0) {
            LogitFilters.keepTopK(row, topK);
        }
        if (topP < 1) {
            LogitFilters.keepTopP(row, topP);
        }
        return LogitFilters.probabilities(row);
    }

    /**
     * The loop: feed ids, read the last position's logits, draw one id per row, append. With
     * {@code incremental} only the ids not yet fed are passed (the model keeps a cache), otherwise
     * the whole sequence so far.
     */
    private NDArray generate(NDManager owner, long[][] sequences, int prefixLength, int length,
            Function<NDArray, NDArray> model, boolean incremental, TokenFactorization factors) {
        int b = sequences.length;
        Random random = new Random(seed);
        int fed = 0;
        for (int step = 0; step < length; step++) {
            int t = prefixLength + step;
            try (NDManager scope = owner.newSubManager()) {
                NDArray ids = hostToIds(scope, sequences, incremental ? fed : 0, t);
                fed = t;
                NDArray logits = model.apply(ids);                                            // (B, n, V)
                Shape s = logits.getShape();
                Checks.require(s.dimension() == 3 && s.get(0) == b && s.get(1) == ids.getShape().get(1),
                        "the model must map ids %s to logits (B, t, V), got %s", Checks.describe(ids.getShape()), Checks.describe(s));
                int v = (int) s.get(2);
                Checks.require(factors == null || v == factors.logitsWidth(),
                        "a model factorized as %s must give %d logits per position (its parts' side by side), got %s",
                        factors, factors == null ? 0 : factors.logitsWidth(), Checks.describe(s));
                float[] last = HostValues.floats(logits.get(":, -1, :"));                   // (B, V)
                for (int row = 0; row < b; row++) {
                    float[] logitsOfRow = Arrays.copyOfRange(last, row * v, (row + 1) * v);
                    sequences[row][t] = factors == null ? LogitFilters.draw(distribution(logitsOfRow), random)
                            : drawFactorized(logitsOfRow, factors, random);
                }
            }
        }
        long[] out = new long[b * length];
        for (int row = 0; row < b; row++) {
            System.arraycopy(sequences[row], prefixLength, out, row * length, length);
        }
        return owner.create(out, new Shape(b, length));
    }

    /** Columns {@code from .. to-1} of the host sequences as ids {@code (B, to - from)} int64 in {@code scope}. */
    private static NDArray hostToIds(NDManager scope, long[][] sequences, int from, int to) {
        long[] flat = new long[sequences.length * (to - from)];
        for (int row = 0; row < sequences.length; row++) {
            System.arraycopy(sequences[row], from, flat, row * (to - from), to - from);
        }
        return scope.create(flat, new Shape(sequences.length, to - from));
    }

    /** The prefix on the host, one row per sequence with room for {@code length} more ids. */
    private static long[][] start(NDArray prefix, int length) {
        Checks.rank(prefix, "AutoregressiveSampler prefix (B, P)", 2);
        Checks.require(prefix.getShape().get(1) >= 1,
                "AutoregressiveSampler needs a prefix of at least one id per row (a class or start token), got shape %s",
                Checks.describe(prefix.getShape()));
        Checks.require(prefix.getDataType().isInteger(),
                "AutoregressiveSampler expects integer ids as the prefix, got %s", prefix.getDataType());
        Checks.require(length >= 1, "length must be at least 1 token, got %d", length);
        int b = (int) prefix.getShape().get(0);
        int p = (int) prefix.getShape().get(1);
        long[] flat = HostValues.longs(prefix);
        long[][] sequences = new long[b][p + length];
        for (int row = 0; row < b; row++) {
            System.arraycopy(flat, row * p, sequences[row], 0, p);
        }
        return sequences;
    }

    public float temperature() {
        return temperature;
    }

    /** Top-k, or 0 when off. */
    public int topK() {
        return topK;
    }

    /** Top-p, 1 when off. */
    public double topP() {
        return topP;
    }

    public long seed() {
        return seed;
    }

    public boolean useCache() {
        return useCache;
    }

    /** Builder: every setting is optional; the defaults draw from the model's plain softmax. */
    public static final class Builder {
        private float temperature = 1f;
        private Integer topK; // null: off
        private double topP = 1;
        private long seed;
        private boolean useCache = true;

        /** Divides the logits (default 1); must be > 0. Lower is closer to greedy. */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Keeps the {@code k >= 1} most likely ids at each step (default off); 1 is greedy decoding. */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Keeps the smallest set of ids whose probability reaches {@code p} in (0, 1] (default 1: off). */
        public Builder optTopP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Seed of the draws (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether a {@link TokenTransformer} is fed incrementally with a {@link KvCache} (default true). */
        public Builder optUseCache(boolean useCache) {
            this.useCache = useCache;
            return this;
        }

        public AutoregressiveSampler build() {
            Checks.require(temperature > 0 && Float.isFinite(temperature),
                    "temperature must be a finite number > 0, got %s; use optTopK(1) for greedy decoding", temperature);
            Checks.require(topK == null || topK >= 1,
                    "top-k must be at least 1 (1 is greedy), got %d; leave optTopK out to turn it off", topK);
            Checks.require(topP > 0 && topP <= 1, "top-p must be in (0, 1], got %s; 1 turns it off", topP);
            return new AutoregressiveSampler(this);
        }
    }
}
