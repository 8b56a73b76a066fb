package org.tokenlab.mask;

import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * Which positions of each token sequence are masked in one training step of masked token modeling:
 * {@code masked[b][i]} for example {@code b} and sequence position {@code i}. {@link CommitMasking}
 * takes one. The masked positions are drawn among all {@code L} positions, inside the condition region
 * as well as outside it, as in MAGVIT (a masked position inside the region then shows its condition
 * token, see {@link CommitMasking}).
 *
 * <pre>{@code
 * jshell> var draw = MaskingDraw.schedule(MaskSchedule.COSINE, new Random(0));   // ratio drawn per example
 * jshell> boolean[][] masked = MaskingDraw.counts(new Random(0), 3, 1).masked(2, 4);
 * }</pre>
 */
@FunctionalInterface
public interface MaskingDraw {

    /**
     * For each of {@code batch} examples, which of its {@code length} positions are masked.
     *
     * @return {@code batch} arrays of {@code length} flags
     */
    boolean[][] masked(int batch, int length);

    /**
     * MaskGIT's training draw with {@code schedule}: for each example {@code r ~ U[0, 1)} and
     * {@link MaskSchedule#trainingMaskCount} positions, chosen uniformly among all {@code L}.
     * The official MAGVIT code draws one ratio for the whole batch (its code leaves a per-example ratio
     * as a to-do) and takes the floor of {@code L * gamma(r)}, at least 1; here each example draws its
     * own, so one batch covers many ratios, and the count is the ceiling (see {@link MaskSchedule}).
     */
    static MaskingDraw schedule(MaskSchedule schedule, Random random) {
        Checks.notNull(schedule, "schedule");
        Checks.notNull(random, "random");
        return (batch, length) -> {
            int[] counts = new int[batch];
            for (int b = 0; b < batch; b++) {
                counts[b] = schedule.trainingMaskCount(random.nextDouble(), length);
            }
            return uniform(random, counts, length);
        };
    }

    /**
     * {@code counts[b]} positions of example {@code b}, chosen uniformly among all {@code L}; one count
     * serves every example.
     *
     * @throws IllegalArgumentException for no count or a negative one; when drawing, for a count above
     *     {@code L} or a number of counts that is neither 1 nor the batch size
     */
    static MaskingDraw counts(Random random, int... counts) {
        Checks.notNull(random, "random");
        Checks.notNull(counts, "counts");
        Checks.require(counts.length >= 1, "MaskingDraw.counts expects one count, or one per example, got none");
        for (int c : counts) {
            Checks.require(c >= 0, "MaskingDraw.counts expects counts of at least 0 masked positions, got %d; "
                    + "0 masks nothing, L masks every position", c);
        }
        int[] copy = counts.clone();
        return (batch, length) -> {
            Checks.require(copy.length == 1 || copy.length == batch, "MaskingDraw.counts has %d counts for a batch of %d; "
                    + "give one count for every example, or one per example", copy.length, batch);
            int[] perExample = new int[batch];
            for (int b = 0; b < batch; b++) {
                perExample[b] = copy[copy.length == 1 ? 0 : b];
                Checks.require(perExample[b] <= length, "MaskingDraw.counts cannot mask %d of %d positions; "
                        + "give at most %d", perExample[b], length, length);
            }
            return uniform(random, perExample, length);
        };
    }

    /**
     * Exactly the given positions, the same on every call: {@code masked[b][i]} for example {@code b}.
     * The array is copied.
     */
    static MaskingDraw positions(boolean[][] masked) {
        Checks.notNull(masked, "masked");
        boolean[][] copy = new boolean[masked.length][];
        for (int b = 0; b < masked.length; b++) {
            copy[b] = Checks.notNull(masked[b], "masked[" + b + "]").clone();
        }
        return (batch, length) -> {
            Checks.require(copy.length == batch, "MaskingDraw.positions holds %d examples, the batch has %d", copy.length, batch);
            boolean[][] out = new boolean[batch][];
            for (int b = 0; b < batch; b++) {
                Checks.require(copy[b].length == length, "MaskingDraw.positions holds %d positions for example %d, its sequence "
                        + "has %d (L = t * h * w)", copy[b].length, b, length);
                out[b] = copy[b].clone();
            }
            return out;
        };
    }

    /** {@code counts[b]} distinct positions of {@code 0 .. length - 1} for each example, by a partial Fisher-Yates shuffle. */
    private static boolean[][] uniform(Random random, int[] counts, int length) {
        boolean[][] out = new boolean[counts.length][length];
        int[] order = new int[length];
        for (int b = 0; b < counts.length; b++) {
            for (int i = 0; i < length; i++) {
                order[i] = i;
            }
            for (int i = 0; i < counts[b]; i++) {
                int j = i + random.nextInt(length - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
                out[b][order[i]] = true;
            }
        }
        return out;
    }
}
