package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
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
 * <pre>{@code
 * jshell> var down = Downsample.builder().setChannels(64).build();
 * jshell> down.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 32, 32));   // output (8, 64, 16, 16)
 * }</pre>
 */
public final class Downsample extends AbstractBlock {

    private final int channels;
    private final Conv2d conv;

    private Downsample(Builder b) {
        this.channels = b.channels;
        this.conv = addChildBlock("conv", Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3))
                .optStride(new Shape(2, 2)).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int channels() {
        return channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        NDArray padded = x.pad(new Shape(0, 1, 0, 1), 0);   // (B, C, H+1, W+1): last axis first, as torch's F.pad
        return conv.forward(ps, new NDList(padded), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), channels, s.get(2) / 2, s.get(3) / 2)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        conv.initialize(manager, dataType, new Shape(s.get(0), s.get(1), s.get(2) + 1, s.get(3) + 1));
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() == 4 && s.get(1) == channels && s.get(2) >= 2 && s.get(3) >= 2,
                "Downsample(%d channels) expects images (B, %d, H, W) with H, W >= 2, got %s",
                channels, channels, Checks.describe(s));
    }

    /** Builder: {@code setChannels} is required. */
    public static final class Builder {
        private int channels;

        /** Channels {@code C} of the input, kept in the output. */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        public Downsample build() {
            Checks.require(channels >= 1, "Downsample needs setChannels(c) with c >= 1, got %d", channels);
            return new Downsample(this);
        }
    }
}
