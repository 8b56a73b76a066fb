package org.tokenlab.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;

/**
 * A DJL sampler that visits a dataset in a shuffled order drawn from a seed, so that training runs
 * repeat exactly. DJL's own {@code RandomSampler} draws from a global generator instead.
 *
 * <p>Each call to {@link #sample} (one per epoch) draws the next permutation from the same
 * generator: epochs differ from one another, and the sequence of epochs is the same for the same
 * seed. Wrap it in a {@code BatchSampler} for batches.
 *
 * <pre>{@code
 * jshell> import ai.djl.training.dataset.BatchSampler;
 * jshell> var sampler = new BatchSampler(new SeededRandomSampler(42), 64);
 * }</pre>
 */
public final class SeededRandomSampler implements Sampler.SubSampler {

    private final Random random;

    /** A sampler whose sequence of permutations is fixed by {@code seed}. */
    public SeededRandomSampler(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public synchronized Iterator<Long> sample(RandomAccessDataset dataset) {
        int[] order = permutation(Math.toIntExact(dataset.size()), random);
        return Arrays.stream(order).mapToObj(i -> (long) i).iterator();
    }

    /**
     * A permutation of {@code 0 .. n-1}: Fisher-Yates from the last index down, swapping index i
     * with {@code random.nextInt(i + 1)} (the algorithm of {@link java.util.Collections#shuffle}).
     */
    static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
