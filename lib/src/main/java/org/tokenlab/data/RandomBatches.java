package org.tokenlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.StatefulRandom;

/**
 * Shuffled mini-batches of arrays already in memory (images and labels, token grids, ...), drawn
 * epoch by epoch without replacement: each epoch is a fresh permutation from the seed, cut into
 * batches of {@code batchSize}; the last incomplete batch of an epoch is skipped, so every batch
 * has the same shape. The same seed gives the same batches.
 *
 * <pre>{@code
 * jshell> var batches = RandomBatches.of(64, 42, images, labels);
 * jshell> NDList batch = batches.next(scope);      // (64, 1, 32, 32), (64)
 * }</pre>
 */
public final class RandomBatches implements Resumable {

    private final NDArray[] arrays;
    private final int batchSize;
    private final int rows;
    private final StatefulRandom random;
    private int[] order;
    private int position;
    private long epochs;

    private RandomBatches(int batchSize, long seed, NDArray[] arrays) {
        this.arrays = arrays;
        this.batchSize = batchSize;
        this.rows = Math.toIntExact(arrays[0].getShape().get(0));
        this.random = new StatefulRandom(seed);
        this.position = rows; // the first call draws the first permutation
    }

    /**
     * Batches of {@code batchSize} rows taken together from every array in {@code arrays}, which
     * must share their first axis.
     *
     * @throws IllegalArgumentException without arrays, for arrays of different lengths, or a batch
     *     size outside {@code [1, rows]}
     */
    public static RandomBatches of(int batchSize, long seed, NDArray... arrays) {
        Checks.require(arrays != null && arrays.length > 0, "RandomBatches needs at least one array to draw rows from");
        for (int i = 0; i < arrays.length; i++) {
            Checks.notNull(arrays[i], "arrays[" + i + "]");
            Checks.require(arrays[i].getShape().dimension() >= 1, "RandomBatches draws rows along axis 0, "
                    + "got a scalar as array %d", i);
            Checks.require(arrays[i].getShape().get(0) == arrays[0].getShape().get(0),
                    "RandomBatches expects arrays with the same number of rows, got %s and %s (array %d)",
                    Checks.describe(arrays[0].getShape()), Checks.describe(arrays[i].getShape()), i);
        }
        long rows = arrays[0].getShape().get(0);
        Checks.require(batchSize >= 1 && batchSize <= rows,
                "batchSize must be in [1, %d] (the number of rows), got %d", rows, batchSize);
        return new RandomBatches(batchSize, seed, arrays.clone());
    }

    /**
     * Saves where the stream is: the random generator, the current permutation and the position in
     * it, and the epoch count, so that a resumed run draws the batches the interrupted one would have.
     */
    @Override
    public synchronized void saveState(TrainingState state) {
        state.putLong("random", random.state()).putLong("position", position).putLong("epochs", epochs);
        if (order != null) {
            state.putLongs("order", java.util.Arrays.stream(order).asLongStream().toArray());
        }
    }

    @Override
    public synchronized void loadState(TrainingState state) {
        random.setState(state.getLong("random"));
        int at = Math.toIntExact(state.getLong("position"));
        if (state.has("order")) {
            long[] saved = state.getLongs("order");
            Checks.require(saved.length == rows, "RandomBatches state for %d rows cannot be loaded into batches of %d rows; "
                    + "build the batches from the same arrays", saved.length, rows);
            order = java.util.Arrays.stream(saved).mapToInt(Math::toIntExact).toArray();
        } else {
            order = null;
        }
        position = at;
        epochs = state.getLong("epochs");
    }

    /** The next batch, one array per source array, each {@code (batchSize, ...)} and owned by {@code manager}. */
    public synchronized NDList next(NDManager manager) {
        Checks.notNull(manager, "manager");
        if (position + batchSize > rows) {
            order = SeededRandomSampler.permutation(rows, random);
            position = 0;
            epochs++;
        }
        long[] pick = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            pick[i] = order[position + i];
        }
        position += batchSize;
        NDList batch = new NDList(arrays.length);
        NDArray index = manager.create(pick);
        for (NDArray array : arrays) {
            NDArray rowsPicked = array.get(new NDIndex("{}", index));
            rowsPicked.attach(manager);
            batch.add(rowsPicked);
        }
        return batch;
    }

    /** Rows per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Complete batches per epoch. */
    public int batchesPerEpoch() {
        return rows / batchSize;
    }

    /** Epochs started so far (1 after the first batch). */
    public synchronized long epochs() {
        return epochs;
    }
}
