package org.tokenlab.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import org.tokenlab.internal.Checks;

/**
 * One split of a {@link MovingMnist} as a DJL {@link RandomAccessDataset}, made on the fly: record i
 * is clip i of the split, drawn when asked for, nothing cached.
 *
 * <p>Each record's data is one video {@code (1, T, H, W)} float32 in [-1, 1] and its label the
 * clip's digit classes {@code (digitsPerClip)} int64, in the clip's order, so DJL's default
 * batchifier gives {@code (B, 1, T, H, W)} videos and {@code (B, digitsPerClip)} labels. For an
 * order that repeats run after run, use {@link Builder#setShuffledSampling}.
 *
 * <pre>{@code
 * jshell> var moving = MovingMnist.builder().setDigits(mnist).setDigitsPerClip(2).build();
 * jshell> var train = MovingMnistDataset.builder().setMovingMnist(moving).setShuffledSampling(16, 42).build();
 * jshell> import ai.djl.training.dataset.Batch;
 * jshell> for (Batch batch : train.getData(manager)) {
 *    ...>     NDArray clips = batch.getData().head();     // (16, 1, 20, 64, 64)
 *    ...>     NDArray classes = batch.getLabels().head(); // (16, 2)
 *    ...>     batch.close();
 *    ...> }
 * }</pre>
 */
public final class MovingMnistDataset extends RandomAccessDataset {

    private final MovingMnist movingMnist;
    private final Split split;

    private MovingMnistDataset(Builder builder) {
        super(builder);
        this.movingMnist = builder.movingMnist;
        this.split = builder.split;
    }

    /** A builder; set the generator and the sampling, the split defaults to {@link Split#TRAIN}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The generator this dataset serves. */
    public MovingMnist movingMnist() {
        return movingMnist;
    }

    /** The split this dataset serves. */
    public Split split() {
        return split;
    }

    /** Record {@code index}: data {@code (1, T, H, W)} float32, label {@code (digitsPerClip)} int64, owned by {@code manager}. */
    @Override
    public Record get(NDManager manager, long index) {
        int clips = movingMnist.clipCount(split);
        Checks.require(index >= 0 && index < clips, "MovingMnistDataset (%s) index %d is outside 0..%d",
                split, index, clips - 1);
        MovingMnistClip clip = movingMnist.clip(split, (int) index);
        int frames = movingMnist.frames();
        int side = movingMnist.frameSide();
        float[] video = new float[frames * side * side];
        movingMnist.write(clip, video, 0);
        long[] labels = new long[clip.labels().length];
        for (int d = 0; d < labels.length; d++) {
            labels[d] = clip.labels()[d];
        }
        NDList data = new NDList(manager.create(video, new Shape(1, frames, side, side)));
        return new Record(data, new NDList(manager.create(labels)));
    }

    @Override
    protected long availableSize() {
        return movingMnist.clipCount(split);
    }

    /** Nothing to do: clips are drawn when asked for. */
    @Override
    public void prepare(Progress progress) {}

    /** DJL-style builder: the generator and the sampling are required, the split is optional. */
    public static final class Builder extends SplitDatasetBuilder<Builder> {

        private MovingMnist movingMnist;

        private Builder() {}

        /** The generator whose clips to serve. */
        public Builder setMovingMnist(MovingMnist movingMnist) {
            this.movingMnist = Checks.notNull(movingMnist, "movingMnist");
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Checks that the generator and the sampling are set and builds the dataset. */
        public MovingMnistDataset build() {
            Checks.require(movingMnist != null, "MovingMnistDataset needs its clips: call setMovingMnist("
                    + "MovingMnist.builder().setDigits(mnist).setDigitsPerClip(2).build()) on the builder");
            Checks.require(sampler != null, "MovingMnistDataset needs a sampling: call setShuffledSampling(batchSize, "
                    + "seed) or setSampling(batchSize, false) on the builder before build()");
            return new MovingMnistDataset(this);
        }
    }
}
