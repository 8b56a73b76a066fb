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
import java.util.Arrays;
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
 * <p>With {@code optSpatialRank(SpatialRank.THREE)} it works on videos {@code (B, C, T, H, W)} with a
 * same-size 3x3x3 convolution, and {@code optFactors} chooses the axes to double: {@code (1, 2, 2)}
 * doubles space only, {@code (2, 2, 2)} (the default) space and time; each doubled axis repeats every
 * value twice ({@link #nearest(NDArray, int...)}). {@code optPadding} chooses what the border of the
 * convolution holds ({@link PaddedConvolution}; zeros by default).
 *
 * <pre>{@code
 * jshell> var up = Upsample.builder().setChannels(64).build();
 * jshell> up.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 8, 8));   // output (8, 64, 16, 16)
 * jshell> var space = Upsample.builder().setChannels(64).optSpatialRank(SpatialRank.THREE).optFactors(1, 2, 2).build();
 * jshell> space.initialize(manager, DataType.FLOAT32, new Shape(2, 64, 4, 8, 8));   // output (2, 64, 4, 16, 16)
 * }</pre>
 */
public final class Upsample extends AbstractBlock {

    private final int channels;
    private final SpatialRank rank;
    private final int[] factors;
    private final PaddingMode padding;
    private final Block conv;

    private Upsample(Builder b) {
        this.channels = b.channels;
        this.rank = b.rank;
        this.factors = b.factors;
        this.padding = b.padding;
        this.conv = addChildBlock("conv", rank.sameConvolution(channels, 3, padding));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int channels() {
        return channels;
    }

    /** Spatial rank of the inputs: {@link SpatialRank#TWO} (the default) or {@link SpatialRank#THREE}. */
    public SpatialRank spatialRank() {
        return rank;
    }

    /** Factor per spatial axis, in order ({@code (H, W)} or {@code (T, H, W)}): 2 doubles the axis, 1 keeps it. */
    public int[] factors() {
        return factors.clone();
    }

    /** What the border of the convolution holds: {@link PaddingMode#ZEROS} (the default) or another mode. */
    public PaddingMode padding() {
        return padding;
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

    /**
     * Nearest-neighbour resize of {@code (B, C, s1, ..., sk)} by {@code factors}, one per spatial axis,
     * each 1 (kept) or 2 (every value repeated twice along it): e.g. videos {@code (B, C, T, H, W)}
     * with {@code (1, 2, 2)} give {@code (B, C, T, 2H, 2W)} with {@code out[b, c, t, i, j] = x[b, c, t, i / 2, j / 2]}.
     * Owned by {@code x}'s manager; differentiable. Images with {@code (2, 2)} go through {@link #nearest(NDArray)}.
     */
    public static NDArray nearest(NDArray x, int... factors) {
        Shape s = x.getShape();
        Checks.require(s.dimension() == factors.length + 2 && Arrays.stream(factors).allMatch(f -> f == 1 || f == 2),
                "Upsample.nearest expects (B, C, ...) with one factor (1 or 2) per axis after the channels, got shape %s "
                        + "and factors %s; give %d factors of 1 or 2", Checks.describe(s), Arrays.toString(factors),
                Math.max(s.dimension() - 2, 0));
        if (factors.length == 2 && factors[0] == 2 && factors[1] == 2) {
            return nearest(x);
        }
        NDArray out = x;
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] == 2) {
                out = repeatEachTwice(out, 2 + i);
            }
        }
        return out;
    }

    /** {@code (..., n, ...) -> (..., 2n, ...)} along {@code axis}, each slice followed by its copy. */
    private static NDArray repeatEachTwice(NDArray x, int axis) {
        long[] doubled = x.getShape().getShape().clone();
        doubled[axis] *= 2;
        return NDArrays.stack(new NDList(x, x), axis + 1).reshape(new Shape(doubled)); // (..., n, 2, ...)
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        return conv.forward(ps, new NDList(nearest(x, factors)), training);
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
        long[] out = s.getShape().clone();
        out[1] = channels;
        for (int i = 0; i < factors.length; i++) {
            out[2 + i] *= factors[i];
        }
        return new Shape(out);
    }

    private void checkInput(Shape s) {
        Checks.require(rank.matches(s) && s.get(1) == channels,
                "Upsample(%d channels, %dD) expects %s %s with C = %d, got %s; set setChannels and optSpatialRank to match the input",
                channels, rank.axes(), rank.inputs(), rank.layout(), channels, Checks.describe(s));
    }

    /** Builder: {@code setChannels} is required. */
    public static final class Builder {
        private int channels;
        private SpatialRank rank = SpatialRank.TWO;
        private int[] factors;
        private PaddingMode padding = PaddingMode.ZEROS;

        /** Channels {@code C} of the input, kept in the output. */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Spatial rank (default {@link SpatialRank#TWO}, images; {@link SpatialRank#THREE} for videos). */
        public Builder optSpatialRank(SpatialRank rank) {
            this.rank = rank;
            return this;
        }

        /**
         * Factor per spatial axis, one per axis of the rank in order ({@code (H, W)} or {@code (T, H, W)}):
         * 2 doubles the axis, 1 keeps it (default: 2 on every axis).
         */
        public Builder optFactors(int... factors) {
            this.factors = factors == null ? null : factors.clone();
            return this;
        }

        /**
         * What the border of the 3x3 convolution holds (default {@link PaddingMode#ZEROS}, as VQGAN; MAGVIT
         * uses {@link PaddingMode#REFLECT}). The parameter names stay the same.
         */
        public Builder optPadding(PaddingMode padding) {
            this.padding = padding;
            return this;
        }

        public Upsample build() {
            Checks.require(channels >= 1, "Upsample needs setChannels(c) with c >= 1, got %d", channels);
            Checks.require(padding != null, "Upsample optPadding needs PaddingMode.ZEROS, REFLECT or REPLICATE, got null");
            Checks.require(rank != null, "Upsample optSpatialRank needs SpatialRank.TWO or SpatialRank.THREE, got null");
            if (factors == null) {
                factors = new int[rank.axes()];
                Arrays.fill(factors, 2);
            }
            Checks.require(factors.length == rank.axes(),
                    "Upsample optFactors needs one factor per spatial axis of %s (%d), got %d: %s; e.g. optFactors(%s)",
                    rank.layout(), rank.axes(), factors.length, Arrays.toString(factors),
                    rank == SpatialRank.TWO ? "2, 2" : "1, 2, 2");
            Checks.require(Arrays.stream(factors).allMatch(f -> f == 1 || f == 2) && Arrays.stream(factors).anyMatch(f -> f == 2),
                    "Upsample optFactors takes 1 (keep the axis) or 2 (double it), with at least one 2, got %s",
                    Arrays.toString(factors));
            return new Upsample(this);
        }
    }
}
