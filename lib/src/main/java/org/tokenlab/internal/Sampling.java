package org.tokenlab.internal;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/** Draws of row numbers from a seeded {@link Random}, so a seed fixes which rows are picked. */
public final class Sampling {

    private Sampling() {}

    /**
     * {@code count} row numbers in {@code [0, n)}: distinct when {@code count <= n} (Floyd's algorithm,
     * {@code O(count)}), otherwise drawn with replacement. The order is fixed by {@code random}.
     */
    public static long[] rows(Random random, long n, int count) {
        Checks.require(n >= 1, "cannot draw %d rows from an empty batch", count);
        long[] picks = new long[count];
        if (count > n) {
            for (int i = 0; i < count; i++) {
                picks[i] = random.nextLong(n);
            }
            return picks;
        }
        Set<Long> chosen = new LinkedHashSet<>();
        for (long j = n - count; j < n; j++) {
            long t = random.nextLong(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        int i = 0;
        for (long pick : chosen) {
            picks[i++] = pick;
        }
        return picks;
    }
}
