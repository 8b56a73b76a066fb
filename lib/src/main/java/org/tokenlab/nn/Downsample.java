package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * Halves the height and width with a learned 3x3 convolution of stride 2, keeping the channels:
 * {@code (B, C, H, W) -> (B, C, H/2, W/2)} (rounded down for odd sizes).
 *
 * <p>As VQGAN ({@code Downsample} with {@code with_conv=True} in taming-transformers) the input is
 * first padded with one row of zeros at the bottom and one column at the right only, pad
 * {@code (left 0, right 1, top 0, bottom 1)}, and the convolution has no padding. The 3x3 windows
 * then start at pixel (0, 0), so weights ported from PyTorch VQGAN give the same output; a
 * symmetric padding of 1 would shift every window up and left by one pixel.
 *
 * <p>With {@code optSpatialRank(SpatialRank.THREE)} it works on videos {@code (B, C, T, H, W)} with a
 * 3x3x3 convolution, and {@code optFactors} chooses the axes to halve: {@code (1, 2, 2)} halves
 * space only, {@code (2, 2, 2)} (the default) space and time. A halved axis is padded by one zero at
 * its end as above; a kept axis (factor 1) is padded by one zero on each side, so its size stays.
 *
 * <p>{@code optPadding} chooses what that padding holds (zeros by default). MAGVIT pads every
 * convolution of its 3D VQ autoencoder, the strided ones included, with {@link PaddingMode#REFLECT};
 * with it the extra row at the end of a halved axis {@code [a b c d]} is {@code c}, the row before the
 * last ({@code [a b c d c]}), so the last window sees {@code c d c} instead of {@code c d 0}. The
 * windows still start at the first row, and the parameters keep their names.
 *
 * <pre>{@code
 * jshell> var down = Downsample.builder().setChannels(64).build();
 * jshell> down.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 32, 32));   // output (8, 64, 16, 16)
 * jshell> var space = Downsample.builder().setChannels(64).optSpatialRank(SpatialRank.THREE).optFactors(1, 2, 2).build();
 * jshell> space.initialize(manager, DataType.FLOAT32, new Shape(2, 64, 4, 32, 32));   // output (2, 64, 4, 16, 16)
 * }</pre>
 */
public final class Downsample extends AbstractBlock {

    private final int channels;
    private final SpatialRank rank;
    private final int[] factors;
    private final PaddingMode padding;
    private final Block conv;

    private Downsample(Builder b) {
        this.channels = b.channels;
        this.rank = b.rank;
        this.factors = b.factors;
        this.padding = b.padding;
        long[] stride = Arrays.stream(factors).asLongStream().toArray();
        this.conv = addChildBlock("conv", rank.convolution(channels, rank.uniform(3), new Shape(stride), rank.uniform(0)));
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

    /** Factor per spatial axis, in order ({@code (H, W)} or {@code (T, H, W)}): 2 halves the axis, 1 keeps it. */
    public int[] factors() {
        return factors.clone();
    }

    /** What the padding before the strided convolution holds: {@link PaddingMode#ZEROS} (the default) or another mode. */
    public PaddingMode padding() {
        return padding;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        NDArray padded = Padding.pad(x, padding, amounts());   // halved axes +1 at the end, kept axes +1 on each side
        return conv.forward(ps, new NDList(padded), training);
    }

    /** The pad before and after each spatial axis in order, as {@link Padding#pad} takes them: {@code (0, 1, 0, 1)} in 2D. */
    private int[] amounts() {
        int[] amounts = new int[2 * factors.length];
        for (int i = 0; i < factors.length; i++) {
            amounts[2 * i] = factors[i] == 2 ? 0 : 1;
            amounts[2 * i + 1] = 1;
        }
        return amounts;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] s = inputShapes[0].getShape().clone();
        s[1] = channels;
        for (int i = 0; i < factors.length; i++) {
            s[2 + i] /= factors[i];
        }
        return new Shape[] {new Shape(s)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        long[] padded = s.getShape().clone();
        for (int i = 0; i < factors.length; i++) {
            padded[2 + i] += factors[i] == 2 ? 1 : 2;
        }
        conv.initialize(manager, dataType, new Shape(padded));
    }

    private void checkInput(Shape s) {
        boolean halvable = rank.matches(s);
        for (int i = 0; halvable && i < factors.length; i++) {
            halvable = s.get(2 + i) >= factors[i];
        }
        Checks.require(halvable && s.get(1) == channels,
                "Downsample(%d channels, factors %s) expects %s %s with C = %d and every halved axis at least 2, got %s; "
                        + "set setChannels and optSpatialRank to match the input",
                channels, Arrays.toString(factors), rank.inputs(), rank.layout(), channels, Checks.describe(s));
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
         * 2 halves the axis, 1 keeps it (default: 2 on every axis).
         */
        public Builder optFactors(int... factors) {
            this.factors = factors == null ? null : factors.clone();
            return this;
        }

        /**
         * What the padding before the strided convolution holds (default {@link PaddingMode#ZEROS}, as VQGAN;
         * MAGVIT uses {@link PaddingMode#REFLECT}). The parameter names stay the same.
         */
        public Builder optPadding(PaddingMode padding) {
            this.padding = padding;
            return this;
        }

        public Downsample build() {
            Checks.require(channels >= 1, "Downsample needs setChannels(c) with c >= 1, got %d", channels);
            Checks.require(padding != null, "Downsample optPadding needs PaddingMode.ZEROS, REFLECT or REPLICATE, got null");
            Checks.require(rank != null, "Downsample optSpatialRank needs SpatialRank.TWO or SpatialRank.THREE, got null");
            if (factors == null) {
                factors = new int[rank.axes()];
                Arrays.fill(factors, 2);
            }
            Checks.require(factors.length == rank.axes(),
                    "Downsample optFactors needs one factor per spatial axis of %s (%d), got %d: %s; e.g. optFactors(%s)",
                    rank.layout(), rank.axes(), factors.length, Arrays.toString(factors),
                    rank == SpatialRank.TWO ? "2, 2" : "1, 2, 2");
            Checks.require(Arrays.stream(factors).allMatch(f -> f == 1 || f == 2) && Arrays.stream(factors).anyMatch(f -> f == 2),
                    "Downsample optFactors takes 1 (keep the axis) or 2 (halve it), with at least one 2, got %s",
                    Arrays.toString(factors));
            return new Downsample(this);
        }
    }
}
