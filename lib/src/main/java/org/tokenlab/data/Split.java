package org.tokenlab.data;

import java.util.Arrays;
import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * A fixed train/test split of a dataset's records, drawn from a seed.
 *
 * <p>The rule: shuffle the indices {@code 0 .. count-1} with {@code new java.util.Random(seed)}
 * (Fisher-Yates from the last index down, index i swapping with {@code nextInt(i + 1)}: the
 * algorithm of {@link java.util.Collections#shuffle(java.util.List, java.util.Random)}); the
 * first {@code count / 10} (rounded down) are {@link #TEST}, the rest {@link #TRAIN}; each split is
 * returned in ascending order. With {@link #SEED} 42 the 10,000 MNIST digits split into 9,000
 * train and 1,000 test. The same count and seed always give the same split, on any JVM.
 *
 * <pre>{@code
 * jshell> Split.TEST.indices(20, Split.SEED)
 * $1 ==> int[2] { 15, 16 }
 * }</pre>
 */
public enum Split {
    /** Nine tenths of the records, for fitting. */
    TRAIN,
    /** One tenth of the records (rounded down), held out. */
    TEST;

    /** The seed of the library's fixed split. */
    public static final long SEED = 42;

    /** Size of the test split of {@code count} records: one tenth, rounded down. */
    public static int testSize(int count) {
        return count / 10;
    }

    /** This split's record indices, ascending, for a dataset of {@code count} records. */
    public int[] indices(int count, long seed) {
        Checks.require(count >= 0, "Split expects a record count of at least 0, got %d", count);
        int[] order = SeededRandomSampler.permutation(count, new Random(seed));
        int test = testSize(count);
        int[] mine = this == TEST ? Arrays.copyOfRange(order, 0, test) : Arrays.copyOfRange(order, test, count);
        Arrays.sort(mine);
        return mine;
    }
}
