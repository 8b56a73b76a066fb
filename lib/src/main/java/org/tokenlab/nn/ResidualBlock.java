package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
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
 * <p>Input {@code (B, inChannels, H, W)}, output {@code (B, outChannels, H, W)}.
 *
 * <pre>{@code
 * jshell> var res = ResidualBlock.builder().setInChannels(32).optOutChannels(64).build();
 * jshell> res.initialize(manager, DataType.FLOAT32, new Shape(8, 32, 16, 16));   // output (8, 64, 16, 16)
 * }</pre>
 */
public final class ResidualBlock extends AbstractBlock {

    private final int inChannels;
    private final int outChannels;
    private final Block norm1;
    private final Block conv1;
    private final Block norm2;
    private final Block dropout;
    private final Block conv2;
    private final Block shortcut;

    private ResidualBlock(Builder b) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.norm1 = addChildBlock("norm1", GroupNorm.builder().setGroups(b.groups).setChannels(inChannels).build());
        this.conv1 = addChildBlock("conv1", conv(outChannels, 3));
        this.norm2 = addChildBlock("norm2", GroupNorm.builder().setGroups(b.groups).setChannels(outChannels).build());
        this.dropout = b.dropout > 0 ? addChildBlock("dropout", Dropout.builder().optRate(b.dropout).build()) : null;
        this.conv2 = addChildBlock("conv2", conv(outChannels, 3));
        this.shortcut = inChannels != outChannels ? addChildBlock("shortcut", conv(outChannels, 1)) : null;
    }

    /** A same-size convolution: {@code kernel x kernel}, stride 1, padding {@code kernel / 2}, with bias. */
    static Conv2d conv(int filters, int kernel) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2)).build();
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

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                        // (B, Cin, H, W)
        checkInput(x.getShape());
        NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
        h = conv1.forward(ps, new NDList(Swish.apply(h)), training).singletonOrThrow(); // (B, Cout, H, W)
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
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, s.get(2), s.get(3))};
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
        Checks.require(s.dimension() == 4 && s.get(1) == inChannels,
                "ResidualBlock(%d -> %d channels) expects images (B, %d, H, W), got %s; set setInChannels to the input's channel count",
                inChannels, outChannels, inChannels, Checks.describe(s));
    }

    /** Builder: {@code setInChannels} is required; the output channels default to the input's. */
    public static final class Builder {
        private int inChannels;
        private int outChannels = -1;
        private int groups = 32;
        private float dropout;

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

        public ResidualBlock build() {
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
