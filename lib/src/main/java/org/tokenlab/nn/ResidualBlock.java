package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;

/**
 * The VQGAN residual block ({@code ResnetBlock} in taming-transformers), pre-activation style:
 * {@code GroupNorm -> swish -> conv3x3 -> GroupNorm -> swish -> dropout -> conv3x3}, added to the
 * input. When the channel count changes, the input goes through a 1x1 convolution first
 * ({@code nin_shortcut}); otherwise it is added as is.
 *
 * <p>Input {@code (B, inChannels, H, W)}, output {@code (B, outChannels, H, W)}. With
 * {@code optSpatialRank(SpatialRank.THREE)} the same block works on videos
 * {@code (B, inChannels, T, H, W) -> (B, outChannels, T, H, W)} with 3x3x3 convolutions (and a
 * 1x1x1 shortcut), as the 3D VQGAN of MAGVIT; the parameter names are the same in both ranks.
 * {@code optPadding(PaddingMode.REFLECT)} pads the two 3x3 convolutions by reflection, as MAGVIT
 * does ({@link PaddedConvolution}), with the same parameter names as with zeros.
 *
 * <pre>{@code
 * jshell> var res = ResidualBlock.builder().setInChannels(32).optOutChannels(64).build();
 * jshell> res.initialize(manager, DataType.FLOAT32, new Shape(8, 32, 16, 16));   // output (8, 64, 16, 16)
 * jshell> var res3d = ResidualBlock.builder().setInChannels(32).optSpatialRank(SpatialRank.THREE).build();
 * jshell> res3d.initialize(manager, DataType.FLOAT32, new Shape(2, 32, 4, 16, 16));   // output (2, 32, 4, 16, 16)
 * }</pre>
 */
public final class ResidualBlock extends AbstractBlock {

    private final int inChannels;
    private final int outChannels;
    private final SpatialRank rank;
    private final PaddingMode padding;
    private final Block norm1;
    private final Block conv1;
    private final Block norm2;
    private final Block dropout;
    private final Block conv2;
    private final Block shortcut;

    private ResidualBlock(Builder b) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.rank = b.rank;
        this.padding = b.padding;
        this.norm1 = addChildBlock("norm1", GroupNorm.builder().setGroups(b.groups).setChannels(inChannels).build());
        this.conv1 = addChildBlock("conv1", rank.sameConvolution(outChannels, 3, b.padding));
        this.norm2 = addChildBlock("norm2", GroupNorm.builder().setGroups(b.groups).setChannels(outChannels).build());
        this.dropout = b.dropout > 0 ? addChildBlock("dropout", Dropout.builder().optRate(b.dropout).build()) : null;
        this.conv2 = addChildBlock("conv2", rank.sameConvolution(outChannels, 3, b.padding));
        // a 1x1 kernel reads no neighbours, so the shortcut needs no padding
        this.shortcut = inChannels != outChannels ? addChildBlock("shortcut", rank.sameConvolution(outChannels, 1)) : null;
    }

    /** A same-size 2D convolution: {@code kernel x kernel}, stride 1, padding {@code kernel / 2}, with bias. */
    static Convolution conv(int filters, int kernel) {
        return SpatialRank.TWO.sameConvolution(filters, kernel);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** Spatial rank of the inputs: {@link SpatialRank#TWO} for images (the default), {@link SpatialRank#THREE} for videos. */
    public SpatialRank spatialRank() {
        return rank;
    }

    /** What the border of the 3x3 convolutions holds: {@link PaddingMode#ZEROS} (the default) or another mode. */
    public PaddingMode padding() {
        return padding;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                        // (B, Cin, [T,] H, W)
        checkInput(x.getShape());
        NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
        h = conv1.forward(ps, new NDList(Swish.apply(h)), training).singletonOrThrow(); // (B, Cout, [T,] H, W)
        h = norm2.forward(ps, new NDList(h), training).singletonOrThrow();
        h = Swish.apply(h);
        if (dropout != null) {
            h = dropout.forward(ps, new NDList(h), training).singletonOrThrow();
        }
        h = conv2.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray skip = shortcut == null ? x : shortcut.forward(ps, new NDList(x), training).singletonOrThrow();
        return new NDList(Autograd.isRecording(x) ? skip.add(h) : h.addi(skip)); // h is ours: in place in inference
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] s = inputShapes[0].getShape().clone();
        s[1] = outChannels;                                                           // spatial axes kept
        return new Shape[] {new Shape(s)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        checkInput(in);
        Shape out = getOutputShapes(inputShapes)[0];
        norm1.initialize(manager, dataType, in);
        conv1.initialize(manager, dataType, in);
        norm2.initialize(manager, dataType, out);
        if (dropout != null) {
            dropout.initialize(manager, dataType, out);
        }
        conv2.initialize(manager, dataType, out);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, in);
        }
    }

    private void checkInput(Shape s) {
        Checks.require(rank.matches(s) && s.get(1) == inChannels,
                "ResidualBlock(%d -> %d channels, %dD) expects %s %s with C = %d, got %s; set setInChannels to the input's "
                        + "channel count and optSpatialRank to the input's spatial rank",
                inChannels, outChannels, rank.axes(), rank.inputs(), rank.layout(), inChannels, Checks.describe(s));
    }

    /** Builder: {@code setInChannels} is required; the output channels default to the input's. */
    public static final class Builder {
        private int inChannels;
        private int outChannels = -1;
        private int groups = 32;
        private float dropout;
        private SpatialRank rank = SpatialRank.TWO;
        private PaddingMode padding = PaddingMode.ZEROS;

        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Output channels (default: the input channels, so the shortcut is the identity). */
        public Builder optOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** GroupNorm groups (default 32, as in VQGAN); must divide both channel counts. */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Dropout rate between the two convolutions (default 0: no dropout layer). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Spatial rank (default {@link SpatialRank#TWO}, images {@code (B, C, H, W)}; {@link SpatialRank#THREE}
         * for videos {@code (B, C, T, H, W)} with 3x3x3 convolutions).
         */
        public Builder optSpatialRank(SpatialRank rank) {
            this.rank = rank;
            return this;
        }

        /**
         * What the border of the two 3x3 convolutions holds (default {@link PaddingMode#ZEROS}, as VQGAN;
         * MAGVIT's 3D VQ autoencoder uses {@link PaddingMode#REFLECT}). The parameter names stay the same.
         */
        public Builder optPadding(PaddingMode padding) {
            this.padding = padding;
            return this;
        }

        public ResidualBlock build() {
            Checks.require(padding != null, "ResidualBlock optPadding needs PaddingMode.ZEROS, REFLECT or REPLICATE, got null");
            Checks.require(rank != null, "ResidualBlock optSpatialRank needs SpatialRank.TWO or SpatialRank.THREE, got null");
            Checks.require(inChannels >= 1, "ResidualBlock needs setInChannels(c) with c >= 1, got %d", inChannels);
            if (outChannels == -1) {
                outChannels = inChannels;
            }
            Checks.require(outChannels >= 1, "ResidualBlock optOutChannels must be at least 1, got %d", outChannels);
            Checks.require(dropout >= 0 && dropout < 1, "ResidualBlock optDropout must be in [0, 1), got %s", dropout);
            Checks.require(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                    "ResidualBlock needs optGroups to divide both channel counts (%d and %d), got %d groups; pick a common divisor",
                    inChannels, outChannels, groups);
            return new ResidualBlock(this);
        }
    }
}
