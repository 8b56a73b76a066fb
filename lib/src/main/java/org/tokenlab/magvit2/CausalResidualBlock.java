package org.tokenlab.magvit2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.nn.CausalConv3d;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.nn.Swish;

/**
 * The residual block of MAGVIT-v2's tokenizer: VQGAN's pre-activation block
 * ({@code norm -> swish -> conv -> norm -> swish -> conv}, added to the input) with
 * {@link CausalConv3d} 3x3x3 convolutions and {@link FrameGroupNorm}s, so output frame {@code t}
 * depends on input frames {@code <= t} only. A 1x1x1 convolution ({@code shortcut}) matches the
 * widths when they differ. In the decoder ({@code latentChannels > 0}) both norms are adaptive and
 * the inputs are {@code NDList(x, z)} with the quantized latents {@code z}.
 *
 * <p>Shapes: {@code (B, in, T, H, W) -> (B, out, T, H, W)}. Not API.
 */
final class CausalResidualBlock extends AbstractBlock {

    private final int outChannels;
    private final FrameGroupNorm norm1;
    private final CausalConv3d conv1;
    private final FrameGroupNorm norm2;
    private final CausalConv3d conv2;
    private final CausalConv3d shortcut;

    /**
     * @param latentChannels {@code d} for the decoder's adaptive norms, 0 for the encoder's plain ones
     */
    CausalResidualBlock(int inChannels, int outChannels, int groups, int latentChannels, PaddingMode time,
            PaddingMode space) {
        this.outChannels = outChannels;
        norm1 = addChildBlock("norm1", norm(groups, inChannels, latentChannels));
        conv1 = addChildBlock("conv1", conv(outChannels, 3, time, space));
        norm2 = addChildBlock("norm2", norm(groups, outChannels, latentChannels));
        conv2 = addChildBlock("conv2", conv(outChannels, 3, time, space));
        shortcut = inChannels == outChannels ? null : addChildBlock("shortcut", conv(outChannels, 1, time, space));
    }

    private static FrameGroupNorm norm(int groups, int channels, int latentChannels) {
        return latentChannels > 0 ? FrameGroupNorm.adaptive(groups, channels, latentChannels)
                : FrameGroupNorm.plain(groups, channels);
    }

    /** A causal convolution of {@code kernel} on every axis, stride 1. */
    static CausalConv3d conv(int filters, int kernel, PaddingMode time, PaddingMode space) {
        return CausalConv3d.builder().setFilters(filters).optKernelSize(kernel).optTimePadding(time)
                .optSpatialPadding(space).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);                                                    // (B, in, T, H, W)
        NDArray h = normalize(norm1, ps, x, inputs, training);
        h = conv1.forward(ps, new NDList(Swish.apply(h)), training).singletonOrThrow(); // (B, out, T, H, W)
        h = normalize(norm2, ps, h, inputs, training);
        h = conv2.forward(ps, new NDList(Swish.apply(h)), training).singletonOrThrow();
        NDArray skip = shortcut == null ? x : shortcut.forward(ps, new NDList(x), training).singletonOrThrow();
        return new NDList(skip.add(h));
    }

    /** {@code h} through {@code norm}, with the latents of {@code inputs} when the norm is adaptive. */
    private static NDArray normalize(FrameGroupNorm norm, ParameterStore ps, NDArray h, NDList inputs, boolean training) {
        NDList in = norm.adaptive() ? new NDList(h, inputs.get(1)) : new NDList(h);
        return norm.forward(ps, in, training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] s = inputShapes[0].getShape().clone();
        s[1] = outChannels;
        return new Shape[] {new Shape(s)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape out = getOutputShapes(inputShapes)[0];
        initializeNorm(norm1, manager, dataType, in, inputShapes);
        conv1.initialize(manager, dataType, in);
        initializeNorm(norm2, manager, dataType, out, inputShapes);
        conv2.initialize(manager, dataType, out);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, in);
        }
    }

    private static void initializeNorm(FrameGroupNorm norm, NDManager manager, DataType dataType, Shape x,
            Shape[] inputShapes) {
        if (norm.adaptive()) {
            norm.initialize(manager, dataType, x, inputShapes[1]);
        } else {
            norm.initialize(manager, dataType, x);
        }
    }
}
