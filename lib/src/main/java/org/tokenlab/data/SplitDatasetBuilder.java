package org.tokenlab.data;

import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import org.tokenlab.internal.Checks;

/**
 * What the builders of TokenLab's datasets over a fixed {@link Split} share: the split
 * ({@link Split#TRAIN} by default) and a sampling whose order repeats run after run.
 *
 * <pre>{@code
 * jshell> var test = MnistDataset.builder().optSplit(Split.TEST).setShuffledSampling(64, 42).build();
 * }</pre>
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class SplitDatasetBuilder<B extends SplitDatasetBuilder<B>> extends RandomAccessDataset.BaseBuilder<B> {

    Split split = Split.TRAIN;

    SplitDatasetBuilder() {}

    /** Which split to serve; {@link Split#TRAIN} by default. */
    public B optSplit(Split split) {
        this.split = Checks.notNull(split, "split");
        return self();
    }

    /** Batches of {@code batchSize} in an order drawn from {@code seed} (see {@link SeededRandomSampler}). */
    public B setShuffledSampling(int batchSize, long seed) {
        Checks.positive(batchSize, "batchSize");
        return setSampling(new BatchSampler(new SeededRandomSampler(seed), batchSize));
    }
}
