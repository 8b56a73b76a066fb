package org.tokenlab.generate;

import java.util.Arrays;
import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * The classic ways to reshape a next-token distribution before drawing from it, on one row of
 * logits copied to the host ({@code float[V]}). Filters set the logits they remove to
 * {@code -Infinity}, so the softmax gives them probability 0; they are applied in the order
 * temperature, top-k, top-p (as Hugging Face's {@code generate} does).
 *
 * <pre>{@code
 * jshell> float[] row = {1f, 2f, 3f};
 * jshell> LogitFilters.keepTopK(row, 2);                 // {-Infinity, 2, 3}
 * jshell> double[] p = LogitFilters.probabilities(row);  // {0, 0.269, 0.731}
 * }</pre>
 */
public final class LogitFilters {

    private LogitFilters() {}

    /** Divides the logits by {@code temperature > 0}: below 1 sharpens, above 1 flattens the distribution. */
    public static void scale(float[] logits, float temperature) {
        Checks.require(temperature > 0 && Float.isFinite(temperature),
                "temperature must be a finite number > 0, got %s", temperature);
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= temperature;
        }
    }

    /** Keeps the {@code k >= 1} largest logits (ties broken toward the lower id); {@code k >= V} keeps all. */
    public static void keepTopK(float[] logits, int k) {
        Checks.require(k >= 1, "top-k must be at least 1, got %d", k);
        if (k >= logits.length) {
            return;
        }
        int[] order = descending(logits);
        for (int r = k; r < order.length; r++) {
            logits[order[r]] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * Nucleus filtering: keeps the smallest set of most probable tokens whose probabilities sum to at
     * least {@code p} in (0, 1], e.g. probabilities (0.5, 0.3, 0.15, 0.05) with {@code p = 0.7} keep
     * the first two. {@code p = 1} keeps every token of nonzero probability.
     */
    public static void keepTopP(float[] logits, double p) {
        Checks.require(p > 0 && p <= 1, "top-p must be in (0, 1], got %s", p);
        double[] probabilities = probabilities(logits);
        int[] order = descending(logits);
        double total = 0;
        int kept = 0;
        while (kept < order.length && (kept == 0 || total < p)) {
            total += probabilities[order[kept]];
            kept++;
        }
        for (int r = kept; r < order.length; r++) {
            logits[order[r]] = Float.NEGATIVE_INFINITY;
        }
    }

    /** Softmax of the logits in double precision; {@code -Infinity} gives exactly 0. */
    public static double[] probabilities(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        Checks.require(max > Double.NEGATIVE_INFINITY && !Double.isNaN(max),
                "cannot sample from logits that are all -Infinity or NaN, got %s", Arrays.toString(Arrays.copyOf(logits, Math.min(8, logits.length))));
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** One id drawn from {@code probabilities} (summing to 1) with one {@code random.nextDouble()}. */
    public static int draw(double[] probabilities, Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > 0) {
                cumulative += probabilities[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u just above the total
    }

    /**
     * Ids sorted by decreasing logit, the lower id first among equal logits. Each id is packed with its
     * negated logit into one long whose natural order is the wanted one, so the sort is a primitive
     * one (a comparator over boxed ids cost more than the model's own step when sampling small models).
     */
    private static int[] descending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(-logits[i]);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // IEEE order as signed int order
            keys[i] = ((long) ordered << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int r = 0; r < keys.length; r++) {
            order[r] = (int) keys[r];
        }
        return order;
    }
}
