package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.mask.MaskSchedule;

/**
 * MaskGIT's iterative parallel decoder (Chang et al. 2022, arXiv 2202.04200, section 3.2), as MAGVIT
 * uses it for its second stage: a grid starts with every unknown token as {@code [MASK]}, and each of
 * {@code S} steps predicts all masked tokens at once, keeps the most confident and masks the others
 * again, fewer each step, until none is left. At step {@code s = 0 .. S-1}:
 * <pre>
 *   logits = logitsOf(canvas)                                  (B, L, K); with guidance scale g:
 *            (1 + g) * logitsOf(canvas) - g * unconditional(canvas)
 *   token_i ~ softmax(logits_i / temperature)                  at each masked position i
 *   confidence_i = log softmax(logits_i)[token_i] + choiceTemperature * (1 - (s+1)/S) * gumbel_i
 *   n = schedule.decodingMaskCount(s, S, unknownAtStart, unknownNow)
 *   the n least confident stay [MASK]; the others are fixed at their token for good
 * </pre>
 * Given tokens ({@code known}) are never masked (confidence {@code +infinity} in the official
 * code; here they are simply not ranked). The Gumbel noise, annealed to 0 at the last step, makes
 * the choice of which tokens to keep random early on ({@code choiceTemperature = 4.5} for MaskGIT
 * and MAGVIT); {@link MaskSchedule#COSINE} fixes few tokens early and many late.
 *
 * <p><b>Compared with the official loops.</b> MaskGIT's {@code libml/parallel_decode.py} and
 * MAGVIT's {@code train_lib/parallel_decode.py} do the same with these differences: the number kept
 * masked is {@link MaskSchedule#decodingMaskCount} (MaskGIT's rule {@code floor(N0 * gamma)} clamped
 * to {@code [1, unknownNow - 1]}, but 0 at the last step and a single unknown token is fixed at
 * once; MAGVIT counts {@code N0} as all maskable tokens rather than the unknown ones); ties in
 * confidence are broken by position so exactly {@code n} stay masked (the official {@code confidence
 * < cutoff} may mask fewer); MaskGIT samples at temperature 1 ({@code optTemperature} is MAGVIT's
 * sampling temperature), and both compute the confidence from the untempered softmax, as here.
 * Guidance is MAGVIT's {@code logits + g * (logits - uncond_logits)}, the same as above; there the
 * unconditional pass also masks the condition tokens inside the grid, while here both functions get
 * the same canvas and the unconditional one decides what to leave out (e.g. the class, with
 * {@link MaskedTokenTransformer#noClassId()} in its prefix).
 *
 * <p><b>Factorized models.</b> With {@code optFactorization(f)} the model's logits are the
 * sub-tokens' side by side {@code (B, L, W)} (a {@link MaskedTokenTransformer} built with the same
 * factorization): each part of a token is drawn from its own tempered softmax and the parts are
 * joined into one code, and the confidence is the code's log-probability under the factorized model,
 * {@code sum_j log softmax(logits_j)[part_j]}. The canvas, the given tokens and the result hold whole
 * codes.
 *
 * <p><b>Seeds.</b> Token draws and Gumbel noise come from one {@code java.util.Random(seed)} made
 * afresh by each {@code decode} call and consumed on the host, row by row and position by position,
 * so the same seed, model and inputs give the same result on the same engine.
 *
 * <pre>{@code
 * jshell> var maskgit = MaskedTokenTransformer.builder().setCodebook(512).setGridLength(256).optClasses(10).build();
 * jshell> maskgit.initialize(manager, DataType.FLOAT32, new Shape(1, 257));
 * jshell> var sampler = MaskGitSampler.builder().setMaskId(maskgit.maskId()).optSteps(12).optSeed(7).build();
 * jshell> NDArray known = manager.zeros(new Shape(2, 256), DataType.BOOLEAN);   // nothing given
 * jshell> MaskGitResult result = sampler.decode(maskgit.conditionedOn(maskgit.prefix(manager, null, new int[] {3, 3})),
 *    ...>         manager.zeros(new Shape(2, 256), DataType.INT64), known);
 * jshell> NDArray grid = result.ids().reshape(2, 16, 16);                      // and result.canvasAfter(s, maskgit.maskId())
 * }</pre>
 */
public final class MaskGitSampler {

    private final int maskId;
    private final int steps;
    private final MaskSchedule schedule;
    private final double choiceTemperature;
    private final float temperature;
    private final float guidance;
    private final long seed;
    private final TokenFactorization factorization; // null: one logit per code

    private MaskGitSampler(Builder b) {
        this.maskId = b.maskId;
        this.steps = b.steps;
        this.schedule = b.schedule;
        this.choiceTemperature = b.choiceTemperature;
        this.temperature = b.temperature;
        this.guidance = b.guidance;
        this.seed = b.seed;
        this.factorization = b.factorization;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decodes the unknown tokens of {@code ids (B, L)} (int64 or int32; the values where
     * {@code known (B, L)} (boolean) is false are ignored) with the model {@code logitsOf}: canvas
     * {@code (B, L)} int64, {@code [MASK]} where unknown, to logits {@code (B, L, K)}, whose results
     * should belong to the canvas's manager (closed after each step). Runs with autograd recording
     * off. The result belongs to the ids' manager.
     *
     * @throws IllegalArgumentException for ids and known of other ranks, types or shapes, logits of
     *     another shape, a given id outside {@code [0, K)}, or {@code optGuidance} set (use the other
     *     overload)
     */
    public MaskGitResult decode(Function<NDArray, NDArray> logitsOf, NDArray ids, NDArray known) {
        Checks.require(guidance == 0, "optGuidance(%s) needs an unconditional model: call decode(logitsOf, unconditional, ids, known)", guidance);
        return run(Checks.notNull(logitsOf, "logitsOf"), null, ids, known);
    }

    /**
     * Like {@link #decode(Function, NDArray, NDArray)} with classifier-free guidance: the logits are
     * {@code (1 + g) * logitsOf(canvas) - g * unconditional(canvas)} with {@code g} from
     * {@code optGuidance}; both functions see the same canvas.
     *
     * @throws IllegalArgumentException also when {@code optGuidance} is 0 (the unconditional model would be ignored)
     */
    public MaskGitResult decode(Function<NDArray, NDArray> logitsOf, Function<NDArray, NDArray> unconditional,
            NDArray ids, NDArray known) {
        Checks.require(guidance > 0, "an unconditional model is used only with guidance; set optGuidance(g) with g > 0 "
                + "(MAGVIT's guidance_scale), or call decode(logitsOf, ids, known)");
        return run(Checks.notNull(logitsOf, "logitsOf"), Checks.notNull(unconditional, "unconditional"), ids, known);
    }

    private MaskGitResult run(Function<NDArray, NDArray> logitsOf, Function<NDArray, NDArray> unconditional,
            NDArray ids, NDArray known) {
        checkInputs(ids, known);
        int b = (int) ids.getShape().get(0);
        int l = (int) ids.getShape().get(1);
        long[] canvas = HostValues.longs(ids);                 // (B*L), row-major
        long[] given = canvas.clone();
        boolean[] isKnown = known.toBooleanArray();
        int[] fixedAt = new int[b * l];                        // 0 given, s fixed at step s, -1 not yet
        int[] unknownAtStart = new int[b];
        for (int i = 0; i < canvas.length; i++) {
            if (!isKnown[i]) {
                canvas[i] = maskId;
                fixedAt[i] = -1;
                unknownAtStart[i / l]++;
            }
        }
        Random random = new Random(seed);
        NDManager owner = ids.getManager();
        Step step = new Step(b, l);
        int run = 0;
        try (Autograd.Paused paused = Autograd.pause()) {
            for (int s = 0; s < steps && Arrays.stream(fixedAt).anyMatch(f -> f < 0); s++) {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray input = scope.create(canvas.clone(), new Shape(b, l));      // (B, L), [MASK] where unknown
                    step.predict(logitsOf, unconditional, input);
                    if (s == 0) {
                        checkGiven(given, isKnown, step.codes, l);
                    }
                    double anneal = choiceTemperature * (1 - (s + 1.0) / steps);
                    for (int row = 0; row < b; row++) {
                        fixRow(step, random, row, s, anneal, unknownAtStart[row], canvas, fixedAt);
                    }
                }
                run = s + 1;
            }
        }
        Shape shape = new Shape(b, l);
        return new MaskGitResult(owner.create(canvas, shape), owner.create(fixedAt, shape), run);
    }

    /** Samples every unknown token of one row, ranks them by noisy confidence and fixes all but the least confident. */
    private void fixRow(Step step, Random random, int row, int s, double anneal, int unknownAtStart, long[] canvas, int[] fixedAt) {
        int l = step.length;
        int[] unknown = new int[l];
        int count = 0;
        for (int i = row * l; i < (row + 1) * l; i++) {
            if (fixedAt[i] < 0) {
                unknown[count++] = i;
            }
        }
        if (count == 0) {
            return;
        }
        long[] token = new long[count];
        double[] confidence = new double[count];
        for (int j = 0; j < count; j++) {
            int i = unknown[j];
            int t = step.draw(i, random);
            token[j] = t;
            double u = Math.max(random.nextDouble(), Double.MIN_VALUE);
            confidence[j] = step.logProbability(i, t) + anneal * -Math.log(-Math.log(u)); // + annealed Gumbel noise
        }
        int keepMasked = schedule.decodingMaskCount(s, steps, unknownAtStart, count);
        Integer[] order = new Integer[count];
        for (int j = 0; j < count; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (x, y) -> confidence[x] != confidence[y] ? Double.compare(confidence[x], confidence[y]) : Integer.compare(x, y));
        for (int r = keepMasked; r < count; r++) { // the least confident keepMasked stay [MASK]
            int j = order[r];
            canvas[unknown[j]] = token[j];
            fixedAt[unknown[j]] = s + 1;
        }
    }

    /** The logits of one step on the host: sampling probabilities and, when they differ, untempered log-probabilities. */
    private final class Step {
        final int batch;
        final int length;
        int codes;
        int width;                  // logits per position: K, or the factorization's W
        float[] probabilities;      // (B*L*W) softmax(logits / temperature), per part when factorized
        float[] logProbabilities;   // (B*L*W) log softmax(logits) (per part), or null when temperature is 1

        Step(int batch, int length) {
            this.batch = batch;
            this.length = length;
        }

        void predict(Function<NDArray, NDArray> logitsOf, Function<NDArray, NDArray> unconditional, NDArray input) {
            NDArray logits = checkedLogits(logitsOf.apply(input), input, "logitsOf");                 // (B, L, K)
            if (unconditional != null) {
                NDArray plain = checkedLogits(unconditional.apply(input), input, "unconditional");  // (B, L, K)
                Checks.require(plain.getShape().equals(logits.getShape()),
                        "unconditional logits %s must have the shape of the conditional ones %s",
                        Checks.describe(plain.getShape()), Checks.describe(logits.getShape()));
                logits = logits.mul(1 + guidance).sub(plain.mul(guidance));
            }
            width = (int) logits.getShape().get(2);
            codes = factorization == null ? width : (int) factorization.codebookSize();
            Checks.require(factorization == null || width == factorization.logitsWidth(),
                    "MaskGitSampler optFactorization(%s) expects logits (B, L, %d), the parts' side by side, got %s; "
                            + "build the model with the same optFactorization", factorization, factorization == null ? 0
                            : factorization.logitsWidth(), Checks.describe(logits.getShape()));
            Checks.require(maskId >= codes, "maskId %d is one of the model's %d code ids; give setMaskId the model's [MASK] id "
                    + "(MaskedTokenTransformer.maskId())", maskId, codes);
            NDArray scaled = temperature == 1f ? logits : logits.div(temperature);
            probabilities = HostValues.floats(perPart(scaled, true));
            logProbabilities = temperature == 1f ? null : HostValues.floats(perPart(logits, false));
        }

        /** The softmax (or log-softmax) of the logits {@code (B, L, W)}, over each part's columns when factorized. */
        private NDArray perPart(NDArray logits, boolean softmax) {
            if (factorization == null) {
                return softmax ? logits.softmax(-1) : logits.logSoftmax(-1);
            }
            NDList parts = new NDList();
            for (NDArray part : factorization.partLogits(logits)) {
                parts.add(softmax ? part.softmax(-1) : part.logSoftmax(-1));
            }
            return NDArrays.concat(parts, -1);
        }

        /**
         * One code drawn at flat position {@code i} (row * L + column) with one {@code nextDouble()},
         * or one per part, part 0 first, when factorized.
         */
        int draw(int i, Random random) {
            if (factorization == null) {
                return drawAmong(i * width, codes, random);
            }
            long[] parts = new long[factorization.parts()];
            for (int j = 0; j < parts.length; j++) {
                parts[j] = drawAmong(i * width + factorization.logitsOffset(j), factorization.partSize(j), random);
            }
            return (int) factorization.join(parts);
        }

        /** One of the {@code n} choices whose probabilities start at {@code offset}. */
        private int drawAmong(int offset, int n, Random random) {
            double total = 0;
            for (int k = 0; k < n; k++) {
                total += probabilities[offset + k];
            }
            double target = random.nextDouble() * total;
            double cumulative = 0;
            int last = 0;
            for (int k = 0; k < n; k++) {
                float p = probabilities[offset + k];
                if (p > 0) {
                    cumulative += p;
                    last = k;
                    if (target < cumulative) {
                        return k;
                    }
                }
            }
            return last; // rounding left the target just above the total
        }

        /** {@code log softmax(logits)[token]} at flat position {@code i}; the sum over parts when factorized. */
        double logProbability(int i, int token) {
            if (factorization == null) {
                return logProbabilityAt(i * width + token);
            }
            double sum = 0;
            for (int j = 0; j < factorization.parts(); j++) {
                sum += logProbabilityAt(i * width + factorization.logitsOffset(j) + (int) factorization.part(token, j));
            }
            return sum;
        }

        private double logProbabilityAt(int at) {
            return logProbabilities == null ? Math.log(probabilities[at]) : logProbabilities[at];
        }

        private NDArray checkedLogits(NDArray logits, NDArray input, String name) {
            Checks.notNull(logits, name + " result");
            Shape s = logits.getShape();
            Checks.require(s.dimension() == 3 && s.get(0) == batch && s.get(1) == length && s.get(2) >= 1,
                    "%s must map ids %s to logits (B, L, K) = (%d, %d, K) over the codes, got %s; "
                            + "drop prefix positions and special-token columns", name, Checks.describe(input.getShape()),
                    batch, length, Checks.describe(s));
            Checks.require(s.get(2) < Integer.MAX_VALUE && logits.getDataType().isFloating(),
                    "%s must return float logits, got %s", name, logits.getDataType());
            return logits;
        }
    }

    private static void checkInputs(NDArray ids, NDArray known) {
        Checks.rank(ids, "MaskGitSampler ids (B, L)", 2);
        Checks.rank(known, "MaskGitSampler known (B, L)", 2);
        Checks.require(ids.getDataType().isInteger(),
                "MaskGitSampler expects integer ids (B, L), got %s; convert with ids.toType(DataType.INT64, false)", ids.getDataType());
        Checks.require(known.getDataType() == DataType.BOOLEAN,
                "MaskGitSampler expects known (B, L) as booleans (true = given), got %s; e.g. ids.gte(0) or manager.zeros(shape, DataType.BOOLEAN)",
                known.getDataType());
        Checks.require(ids.getShape().equals(known.getShape()),
                "MaskGitSampler expects ids and known of the same shape (B, L), got ids %s and known %s",
                Checks.describe(ids.getShape()), Checks.describe(known.getShape()));
        Checks.require(ids.getShape().size() > 0, "MaskGitSampler needs at least one token, got ids %s", Checks.describe(ids.getShape()));
    }

    private static void checkGiven(long[] given, boolean[] isKnown, int codes, int length) {
        for (int i = 0; i < given.length; i++) {
            Checks.require(!isKnown[i] || (given[i] >= 0 && given[i] < codes),
                    "a given token must be a code in [0, %d), got %d at row %d, position %d; mark it unknown or fix the id",
                    codes, given[i], i / length, i % length);
        }
    }

    public int maskId() {
        return maskId;
    }

    public int steps() {
        return steps;
    }

    public MaskSchedule schedule() {
        return schedule;
    }

    public double choiceTemperature() {
        return choiceTemperature;
    }

    public float temperature() {
        return temperature;
    }

    /** The classifier-free guidance scale {@code g}, 0 when off. */
    public float guidance() {
        return guidance;
    }

    public long seed() {
        return seed;
    }

    /** The factorization of the model's codes, when built with {@code optFactorization}. */
    public Optional<TokenFactorization> factorization() {
        return Optional.ofNullable(factorization);
    }

    /** Builder: {@code setMaskId} is required; the rest default to MaskGIT's and MAGVIT's settings. */
    public static final class Builder {
        private int maskId = -1;
        private int steps = 12;
        private MaskSchedule schedule = MaskSchedule.COSINE;
        private double choiceTemperature = 4.5;
        private float temperature = 1f;
        private float guidance;
        private long seed;
        private TokenFactorization factorization;

        /** The id of {@code [MASK]} put at unknown positions, e.g. {@link MaskedTokenTransformer#maskId()}. */
        public Builder setMaskId(int maskId) {
            this.maskId = maskId;
            return this;
        }

        /** Decoding steps {@code S} (default 12, MAGVIT's; MaskGIT uses 8 to 12), at least 1. */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** The mask schedule {@code gamma} (default {@link MaskSchedule#COSINE}). */
        public Builder optSchedule(MaskSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Scale of the Gumbel noise on the confidences at the first step, annealed linearly to 0 (default 4.5; 0: keep the most confident). */
        public Builder optChoiceTemperature(double choiceTemperature) {
            this.choiceTemperature = choiceTemperature;
            return this;
        }

        /** Divides the logits before a token is drawn (default 1); must be > 0. */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Classifier-free guidance scale {@code g >= 0} (default 0: off); needs the unconditional {@code decode}. */
        public Builder optGuidance(float guidance) {
            this.guidance = guidance;
            return this;
        }

        /** Seed of the draws and of the Gumbel noise (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Decodes a factorized model (default none): its logits are the sub-tokens' side by side, as
         * a {@link MaskedTokenTransformer} built with the same {@code optFactorization} gives them.
         */
        public Builder optFactorization(TokenFactorization factorization) {
            this.factorization = factorization;
            return this;
        }

        public MaskGitSampler build() {
            Checks.require(maskId >= 0, "MaskGitSampler needs setMaskId(id) with the model's [MASK] id >= 0, got %d; "
                    + "e.g. setMaskId(model.maskId())", maskId);
            Checks.require(steps >= 1, "MaskGitSampler needs at least 1 decoding step, got optSteps(%d); MaskGIT uses 8 to 12", steps);
            Checks.notNull(schedule, "optSchedule");
            Checks.require(choiceTemperature >= 0 && Double.isFinite(choiceTemperature),
                    "optChoiceTemperature must be a finite number >= 0 (0: no noise), got %s", choiceTemperature);
            Checks.require(temperature > 0 && Float.isFinite(temperature),
                    "optTemperature must be a finite number > 0, got %s", temperature);
            Checks.require(guidance >= 0 && Float.isFinite(guidance),
                    "optGuidance must be a finite number >= 0 (0: off), got %s", guidance);
            return new MaskGitSampler(this);
        }
    }
}
