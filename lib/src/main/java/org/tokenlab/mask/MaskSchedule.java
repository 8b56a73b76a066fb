package org.tokenlab.mask;

import org.tokenlab.internal.Checks;

/**
 * MaskGIT's mask schedule {@code gamma(r)}: the fraction of tokens that are masked when a fraction
 * {@code r} of the way has been covered (Chang et al. 2022, "MaskGIT: Masked Generative Image
 * Transformer", arXiv 2202.04200, section 3.3). {@code gamma} falls from 1 at {@code r = 0} (every
 * token masked; {@code 1 - 1/N} for {@code EXP}) towards 0 at {@code r = 1}. The same function
 * serves both halves of the method:
 *
 * <ul>
 *   <li><b>Training</b> ({@link #trainingMaskCount}): draw {@code r ~ U[0, 1)} per example and mask
 *       {@code ceil(N * gamma(r))} of its {@code N} tokens. Ceiling, not floor, so that every example
 *       has at least one masked token to learn from (MaskGIT's code takes the floor, and can leave an
 *       example with nothing to predict when {@code gamma(r) * N < 1}).</li>
 *   <li><b>Decoding</b> ({@link #decodingMaskCount}): after step {@code s} of {@code S}
 *       ({@code s = 0 .. S-1}), {@code floor(N0 * gamma((s + 1) / S))} tokens stay masked, where
 *       {@code N0} is the number of unknown tokens before the first step, clamped to at least 1 and
 *       at most one less than the tokens still unknown, so every step fixes at least one; after the
 *       last step, or when a single token is unknown, none stay masked. This is the official
 *       decoder's rule, except that it keeps a last single token masked until the final step.</li>
 * </ul>
 *
 * <p>The schedules, with {@code N} the number of tokens (only {@code LOG} and {@code EXP} use it):
 * <pre>
 *   COSINE       cos(pi/2 * r)                      concave; MaskGIT's and MAGVIT's default
 *   LINEAR       1 - r
 *   SQUARE       1 - r^2                            concave
 *   SQUARE_ROOT  1 - sqrt(r)                        convex
 *   LOG          -log2(r) / log2(N)                 convex
 *   EXP          1 - 2^(-log2(N) * (1 - r))         concave
 * </pre>
 * Every value is clipped to {@code [1e-6, 1]} as in the official code, so {@code gamma(1)} is
 * {@code 1e-6}, not 0, and {@code LOG} at {@code r = 0} is 1, not infinity.
 *
 * <pre>{@code
 * jshell> MaskSchedule.COSINE.gamma(0.5, 256)
 * $1 ==> 0.7071067811865476
 * jshell> MaskSchedule.COSINE.trainingMaskCount(0.5, 256)
 * $2 ==> 182
 * jshell> MaskSchedule.COSINE.decodingMaskCount(0, 12, 256, 256)
 * $3 ==> 253
 * }</pre>
 */
public enum MaskSchedule {
    /** {@code cos(pi/2 * r)}: few tokens fixed early, many late; the default of MaskGIT and MAGVIT. */
    COSINE {
        @Override
        double raw(double r, int tokens) {
            return Math.cos(Math.PI / 2 * r);
        }
    },
    /** {@code 1 - r}: the same number of tokens fixed at every step. */
    LINEAR {
        @Override
        double raw(double r, int tokens) {
            return 1 - r;
        }
    },
    /** {@code 1 - r^2}. */
    SQUARE {
        @Override
        double raw(double r, int tokens) {
            return 1 - r * r;
        }
    },
    /** {@code 1 - sqrt(r)}: many tokens fixed early. */
    SQUARE_ROOT {
        @Override
        double raw(double r, int tokens) {
            return 1 - Math.sqrt(r);
        }
    },
    /** {@code -log2(r) / log2(N)}: most tokens fixed in the first steps. */
    LOG {
        @Override
        double raw(double r, int tokens) {
            return -log2(r) / log2(Math.max(tokens, 2));
        }
    },
    /** {@code 1 - 2^(-log2(N) * (1 - r))}: most tokens fixed in the last steps. */
    EXP {
        @Override
        double raw(double r, int tokens) {
            return 1 - Math.pow(2, -log2(Math.max(tokens, 2)) * (1 - r));
        }
    };

    /** The smallest value a schedule returns, as in the official code. */
    public static final double MIN_RATIO = 1e-6;

    abstract double raw(double r, int tokens);

    /**
     * The masked fraction {@code gamma(r)} for a sequence of {@code tokens} tokens, clipped to
     * {@code [1e-6, 1]}.
     *
     * @param r how far along, in {@code [0, 1]}
     * @param tokens the number of tokens {@code N} (at least 1); used by {@code LOG} and {@code EXP}
     * @throws IllegalArgumentException when {@code r} is outside {@code [0, 1]} or NaN, or {@code tokens < 1}
     */
    public double gamma(double r, int tokens) {
        Checks.require(r >= 0 && r <= 1, "MaskSchedule.%s.gamma expects r in [0, 1] (the fraction of the way "
                + "covered), got %s; training draws r ~ U[0, 1), decoding uses (step + 1) / steps", name(), r);
        Checks.require(tokens >= 1, "MaskSchedule.%s.gamma expects at least 1 token, got %d", name(), tokens);
        double g = raw(r, tokens);
        return Math.min(1.0, Math.max(MIN_RATIO, g));
    }

    /**
     * How many of {@code tokens} tokens a training example masks for a draw {@code r ~ U[0, 1)}:
     * {@code ceil(tokens * gamma(r))}, between 1 and {@code tokens}.
     */
    public int trainingMaskCount(double r, int tokens) {
        double g = gamma(r, tokens);
        long n = (long) Math.ceil(tokens * g - 1e-9);                          // 1e-9: 0.5 * 256 is 128, not 129
        return (int) Math.max(1, Math.min(tokens, n));
    }

    /**
     * How many tokens stay masked after decoding step {@code step} of {@code steps}:
     * {@code floor(unknownAtStart * gamma((step + 1) / steps))}, at least 1 and at most
     * {@code unknownNow - 1}; 0 after the last step or when only one token is unknown.
     *
     * @param step the step just taken, {@code 0 .. steps - 1}
     * @param steps the number of decoding steps, at least 1
     * @param unknownAtStart the tokens unknown before the first step ({@code N0})
     * @param unknownNow the tokens unknown before this step
     * @throws IllegalArgumentException when a count is out of range
     */
    public int decodingMaskCount(int step, int steps, int unknownAtStart, int unknownNow) {
        Checks.require(steps >= 1, "MaskGIT decoding needs at least 1 step, got %d; MaskGIT uses 8 to 12", steps);
        Checks.require(step >= 0 && step < steps, "decoding step must be in 0..%d, got %d", steps - 1, step);
        Checks.require(unknownAtStart >= 0 && unknownNow >= 0 && unknownNow <= unknownAtStart,
                "decoding expects 0 <= unknownNow <= unknownAtStart, got unknownNow %d, unknownAtStart %d",
                unknownNow, unknownAtStart);
        if (step == steps - 1 || unknownNow <= 1) {
            return 0;
        }
        double g = gamma((step + 1.0) / steps, Math.max(1, unknownAtStart));
        long keep = (long) Math.floor(unknownAtStart * g);
        return (int) Math.max(1, Math.min(unknownNow - 1L, keep));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
