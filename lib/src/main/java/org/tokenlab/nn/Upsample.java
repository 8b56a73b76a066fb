package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;

/**
 * Doubles the height and width: nearest-neighbour resize by 2, then a same-size 3x3 convolution
 * that keeps the channels, {@code (B, C, H, W) -> (B, C, 2H, 2W)}, as VQGAN's {@code Upsample}
 * ({@code F.interpolate(x, scale_factor=2.0, mode="nearest")} then {@code conv3x3}).
 *
 * <p>{@link #nearest} does the resize with copies and broadcasts, written two ways for training
 * and for evaluation, with equal values. On the CPU engine (libtorch 2.7.1, 1 thread, {@code (64, 32, 16, 16)} to
 * {@code (64, 32, 32, 32)}; see docs/BENCHMARKS.md) forward + backward took 8.9 ms with {@code stack}
 * and {@code concat} (training), 14.5 ms with the engine's nearest interpolation (which converts to
 * channels-last and back) and 35 ms with one six-axis broadcast (its backward sums over two inner
 * axes of size 2); forward only, two broadcasts took 2.3 ms (evaluation), stack and concat 4.7 ms,
 * interpolation 8.9 ms.
 *
 * <pre>{@code
 * jshell> var up = Upsample.builder().setChannels(64).build();
 * jshell> up.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 8, 8));   // output (8, 64, 16, 16)
 * }</pre>
 */
public final class Upsample extends AbstractBlock {

    private final int channels;
    private final Block conv;

    private Upsample(Builder b) {
        this.channels = b.channels;
        this.conv = addChildBlock("conv", ResidualBlock.conv(channels, 3));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int channels() {
        return channels;
    }

    /**
     * Nearest-neighbour resize by 2 of images {@code (B, C, H, W)}: output {@code (B, C, 2H, 2W)} with
     * {@code out[b, c, i, j] = x[b, c, i / 2, j / 2]}, owned by {@code x}'s manager; differentiable.
     * While autograd records (training) it uses the formulation with the fastest forward + backward
     * (stack and concat, whose gradients are slices added together), otherwise the one with the
     * fastest forward (two broadcast copies); the values are the same.
     */
    public static NDArray nearest(NDArray x) {
        Shape s = x.getShape();
        Checks.require(s.dimension() == 4, "Upsample.nearest expects images (B, C, H, W), got %s", Checks.describe(s));
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (Autograd.isRecording(x)) {
            NDArray columns = NDArrays.stack(new NDList(x, x), 4).reshape(b, c, h, 1, 2 * w); // (B, C, H, 1, 2W)
            return NDArrays.concat(new NDList(columns, columns), 3).reshape(b, c, 2 * h, 2 * w);
        }
        NDArray columns = x.reshape(b, c, h, w, 1).broadcast(b, c, h, w, 2).reshape(b, c, h, 1, 2 * w);
        return columns.broadcast(b, c, h, 2, 2 * w).reshape(b, c, 2 * h, 2 * w);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        return conv.forward(ps, new NDList(nearest(x)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {doubled(inputShapes[0])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        conv.initialize(manager, dataType, doubled(inputShapes[0]));
    }

    private Shape doubled(Shape s) {
        return new Shape(s.get(0), channels, 2 * s.get(2), 2 * s.get(3));
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() == 4 && s.get(1) == channels,
                "Upsample(%d channels) expects images (B, %d, H, W), got %s", channels, channels, Checks.describe(s));
    }

    /** Builder: {@code setChannels} is required. */
    public static final class Builder {
        private int channels;

        /** Channels {@code C} of the input, kept in the output. */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        public Upsample build() {
            Checks.require(channels >= 1, "Upsample needs setChannels(c) with c >= 1, got %d", channels);
            return new Upsample(this);
        }
    }
}
