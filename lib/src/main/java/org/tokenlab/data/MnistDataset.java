package org.tokenlab.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import org.tokenlab.internal.Checks;

/**
 * One split of {@link Mnist} as a DJL {@link RandomAccessDataset}, for {@code getData},
 * {@code EasyTrain.fit} and the rest of DJL's training tools.
 *
 * <p>Each record's data is one image {@code (1, 32, 32)} float32 in [-1, 1] and its label a scalar
 * int64, so DJL's default batchifier gives batches of {@code (B, 1, 32, 32)} images and {@code (B)}
 * labels. Record i is digit {@code mnist.indices(split)[i]}. For batches that repeat run after
 * run, use {@link Builder#setShuffledSampling}; DJL's {@code setSampling(batchSize, true)} shuffles
 * from a global generator. The data is loaded by {@link Builder#build()}; {@link #prepare} does
 * nothing.
 *
 * <pre>{@code
 * jshell> var train = MnistDataset.builder().optSplit(Split.TRAIN).setShuffledSampling(64, 42).build();
 * jshell> import ai.djl.training.dataset.Batch;
 * jshell> for (Batch batch : train.getData(manager)) {
 *    ...>     NDArray x = batch.getData().head();   // (64, 1, 32, 32)
 *    ...>     NDArray y = batch.getLabels().head(); // (64)
 *    ...>     batch.close();
 *    ...> }
 * }</pre>
 */
public final class MnistDataset extends RandomAccessDataset {

    private final Mnist mnist;
    private final Split split;
    private final int[] indices;

    private MnistDataset(Builder builder) {
        super(builder);
        this.mnist = builder.mnist;
        this.split = builder.split;
        this.indices = mnist.indices(split);
    }

    /** A builder; set the sampling, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The digits this dataset serves. */
    public Mnist mnist() {
        return mnist;
    }

    /** The split this dataset serves. */
    public Split split() {
        return split;
    }

    /** Record {@code index}: data {@code (1, 32, 32)} float32, label {@code ()} int64, owned by {@code manager}. */
    @Override
    public Record get(NDManager manager, long index) {
        Checks.require(index >= 0 && index < indices.length,
                "MnistDataset (%s) index %d is outside 0..%d", split, index, indices.length - 1);
        int digit = indices[(int) index];
        float[] image = new float[Mnist.PADDED_SIDE * Mnist.PADDED_SIDE];
        mnist.writePadded(digit, image, 0);
        NDList data = new NDList(manager.create(image, new Shape(1, Mnist.PADDED_SIDE, Mnist.PADDED_SIDE)));
        NDList label = new NDList(manager.create((long) mnist.label(digit)));
        return new Record(data, label);
    }

    @Override
    protected long availableSize() {
        return indices.length;
    }

    /** Nothing to do: {@link Builder#build()} has loaded and checked the file. */
    @Override
    public void prepare(Progress progress) {}

    /** DJL-style builder: sampling is required, the digits and the split are optional. */
    public static final class Builder extends SplitDatasetBuilder<Builder> {

        private Mnist mnist;

        private Builder() {}

        /** The digits to serve; by default {@link Mnist#load()} when {@link #build()} runs. */
        public Builder optMnist(Mnist mnist) {
            this.mnist = Checks.notNull(mnist, "mnist");
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Loads the digits if none were given and builds the dataset. */
        public MnistDataset build() {
            Checks.require(sampler != null, "MnistDataset needs a sampling: call setShuffledSampling(batchSize, seed)"
                    + " or setSampling(batchSize, false) on the builder before build()");
            if (mnist == null) {
                mnist = Mnist.load();
            }
            return new MnistDataset(this);
        }
    }
}
