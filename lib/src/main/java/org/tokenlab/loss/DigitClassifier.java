package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Random;
import org.tokenlab.engine.EngineCheck;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.internal.Scopes;
import org.tokenlab.internal.Slices;

/**
 * A small CNN for one-channel 32x32 digits (MNIST as {@code org.tokenlab.data.Mnist} gives them),
 * trained here in seconds on a CPU and used as the {@link FeatureNetwork} of a
 * {@link PerceptualLoss} for digit tokenizers, where an ImageNet VGG would be out of place.
 *
 * <pre>
 *   stage 1: conv 3x3 (1 -> c) + ReLU + max-pool 2     (B, c, 16, 16)
 *   stage 2: conv 3x3 (c -> 2c) + ReLU + max-pool 2    (B, 2c, 8, 8)
 *   head:    flatten + linear (-> 10)                  (B, 10) logits
 * </pre>
 * with {@code c = 16} by default. {@link #forward} gives the logits, {@link #features} the two
 * stages' activations, {@link #predict} the class ids.
 *
 * <pre>{@code
 * jshell> NDArray x = mnist.images(manager, mnist.train());   // (9000, 1, 32, 32) in [-1, 1]
 * jshell> var classifier = DigitClassifier.train(x, mnist.labels(manager, mnist.train()), 500, 42);
 * jshell> classifier.predict(mnist.images(manager, 0, 1, 2))  // (3) int64
 * }</pre>
 */
public final class DigitClassifier extends AbstractBlock implements FeatureNetwork {

    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Side of the input images. */
    public static final int SIDE = 32;

    private final int channels;
    private final Block stage1;
    private final Block stage2;
    private final Block head;

    private DigitClassifier(Builder b) {
        this.channels = b.channels;
        this.stage1 = addChildBlock("stage1", stage(channels));
        this.stage2 = addChildBlock("stage2", stage(2 * channels));
        this.head = addChildBlock("head", new SequentialBlock()
                .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(CLASSES).build()));
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Block stage(int filters) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }

    /** Channels of the first stage (the second has twice as many). */
    public int channels() {
        return channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.singletonOrThrow();
        check(images.getShape());
        NDList x = stage2.forward(ps, stage1.forward(ps, new NDList(images), training), training);
        return head.forward(ps, x, training); // (B, 10)
    }

    /**
     * The two stages' activations of {@code images (B, 1, 32, 32)}: {@code (B, c, 16, 16)} and
     * {@code (B, 2c, 8, 8)}, in evaluation mode, owned by the images' manager and differentiable in
     * the images.
     */
    @Override
    public List<NDArray> features(NDArray images) {
        ParameterStore ps = parameterStore(images);
        NDList first = stage1.forward(ps, new NDList(images), false);
        NDList second = stage2.forward(ps, first, false);
        return List.of(first.singletonOrThrow(), second.singletonOrThrow());
    }

    /**
     * Logits {@code (B, 10)} of {@code images (B, 1, 32, 32)}, evaluation mode, owned by the images'
     * manager; no autograd graph is recorded (use {@link #forward} inside a gradient collector to train).
     */
    public NDArray logits(NDArray images) {
        ParameterStore ps = parameterStore(images);
        try (Autograd.Paused paused = Autograd.pause()) {
            // activations are freed; only the logits are kept
            return Scopes.keepResult(images, () -> forward(ps, new NDList(images), false).singletonOrThrow());
        }
    }

    /** The most likely digit {@code (B)} int64 of each image {@code (B, 1, 32, 32)}, without recording a graph. */
    public NDArray predict(NDArray images) {
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(images, () -> logits(images).argMax(1).toType(DataType.INT64, false));
        }
    }

    /**
     * The fraction of {@code images (N, 1, 32, 32)} whose predicted digit equals {@code labels (N)},
     * computed {@code 500} images at a time, without recording a graph.
     */
    public double accuracy(NDArray images, NDArray labels) {
        checkData(images, labels);
        long[] truth = HostValues.longs(labels);
        long[] counts = new long[2]; // rows seen, correct
        try (Autograd.Paused paused = Autograd.pause()) {
            Slices.forEach(images, 500, batch -> {
                for (long predicted : HostValues.longs(predict(batch))) {
                    if (predicted == truth[(int) counts[0]++]) {
                        counts[1]++;
                    }
                }
            });
        }
        return (double) counts[1] / truth.length;
    }

    private ParameterStore parameterStore(NDArray images) {
        Checks.notNull(images, "images");
        check(images.getShape());
        if (!isInitialized()) {
            throw new IllegalStateException("DigitClassifier is not initialized: use DigitClassifier.train(...) "
                    + "or initialize(manager, DataType.FLOAT32, new Shape(B, 1, 32, 32)) first");
        }
        return new ParameterStore(images.getManager(), false);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), CLASSES)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        check(inputShapes[0]);
        long b = inputShapes[0].get(0);
        stage1.initialize(manager, dataType, inputShapes[0]);
        stage2.initialize(manager, dataType, new Shape(b, channels, SIDE / 2, SIDE / 2));
        head.initialize(manager, dataType, new Shape(b, 2L * channels, SIDE / 4, SIDE / 4));
    }

    private static void check(Shape s) {
        Checks.require(s.dimension() == 4 && s.get(1) == 1 && s.get(2) == SIDE && s.get(3) == SIDE,
                "DigitClassifier expects one-channel digits (B, 1, 32, 32), got shape %s; Mnist.images gives that shape",
                Checks.describe(s));
    }

    /**
     * A new classifier (default builder) trained on {@code images (N, 1, 32, 32)} in [-1, 1] and
     * {@code labels (N)} with ids 0..9, for {@code steps} Adam steps (learning rate 1e-3) on random
     * batches of 64. The same seed and data give the same classifier on the same engine. Its
     * parameters belong to the images' manager; it is returned frozen, so using it in a loss does
     * not accumulate gradients for its weights.
     */
    public static DigitClassifier train(NDArray images, NDArray labels, int steps, long seed) {
        return builder().build().fit(images, labels, steps, 64, seed);
    }

    /**
     * Initializes and trains this (not yet initialized) classifier as {@link #train} does, with
     * batches of {@code batchSize}, and freezes it; returns {@code this}. Roughly 0.1 to 0.2 s a step for the
     * default classifier and batch 64 on two CPU cores.
     */
    public DigitClassifier fit(NDArray images, NDArray labels, int steps, int batchSize, long seed) {
        checkData(images, labels);
        Checks.positive(steps, "steps");
        Checks.positive(batchSize, "batchSize");
        Checks.require(!isInitialized(), "DigitClassifier.fit expects a new classifier, got one already initialized; "
                + "build a new one with DigitClassifier.builder().build()");
        EngineCheck.ensure(); // convolutions checked (and oneDNN routed around where wrong) before training
        NDManager manager = images.getManager();
        int n = Math.toIntExact(images.getShape().get(0));
        int batch = Math.min(batchSize, n);
        manager.getEngine().setRandomSeed((int) seed);
        initialize(manager, DataType.FLOAT32, new Shape(batch, 1, SIDE, SIDE));
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
        Random random = new Random(seed);
        ParameterStore ps = new ParameterStore(manager, false);
        for (int step = 0; step < steps; step++) {
            long[] pick = new long[batch];
            for (int i = 0; i < batch; i++) {
                pick[i] = random.nextInt(n);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray index = scope.create(pick);
                NDArray x = images.get(new NDIndex("{}", index));
                NDArray y = labels.get(new NDIndex("{}", index));
                x.attach(scope);
                y.attach(scope);
                try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                    Autograd.zeroGradients(this);
                    NDArray logits = forward(ps, new NDList(x), true).singletonOrThrow();
                    NDArray loss = logits.logSoftmax(1).mul(y.oneHot(CLASSES)).sum(new int[] {1}).mean().neg();
                    gc.backward(loss);
                }
                for (Pair<String, Parameter> p : getParameters()) {
                    NDArray weight = p.getValue().getArray();
                    NDArray gradient = weight.getGradient();
                    adam.update(p.getValue().getId(), weight, gradient);
                    gradient.close();
                }
            }
        }
        freezeParameters(true);
        return this;
    }

    private static void checkData(NDArray images, NDArray labels) {
        Checks.notNull(images, "images");
        Checks.notNull(labels, "labels");
        check(images.getShape());
        Checks.require(labels.getShape().dimension() == 1 && labels.getShape().get(0) == images.getShape().get(0)
                        && labels.getDataType().isInteger(),
                "DigitClassifier expects integer labels (%d) for images %s, got %s %s; Mnist.labels gives them",
                images.getShape().get(0), Checks.describe(images.getShape()), labels.getDataType(), Checks.describe(labels.getShape()));
        long[] values = HostValues.longs(labels);
        long min = java.util.Arrays.stream(values).min().orElse(0);
        long max = java.util.Arrays.stream(values).max().orElse(0);
        Checks.require(min >= 0 && max < CLASSES,
                "DigitClassifier expects labels in 0..9, got labels from %d to %d", min, max);
    }

    /** Builder: every setting is optional. */
    public static final class Builder {
        private int channels = 16;

        /** Channels of the first stage (default 16; the second has twice as many). */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        public DigitClassifier build() {
            Checks.require(channels >= 1, "DigitClassifier expects optChannels >= 1, got %d", channels);
            return new DigitClassifier(this);
        }
    }
}
