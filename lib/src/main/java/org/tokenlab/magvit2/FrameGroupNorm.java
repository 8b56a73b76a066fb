package org.tokenlab.magvit2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.nn.AdaptiveGroupNorm;
import org.tokenlab.nn.GroupNorm;

/**
 * Group normalization of videos {@code (B, C, T, H, W)} with statistics per frame, so that it keeps
 * the tokenizer causal: a GroupNorm over all frames would let the first frame's output, and so its
 * tokens, depend on later frames through the mean and variance. Time is folded into the batch,
 * {@code (B*T, C, 1, H, W)}, normalized, and unfolded.
 *
 * <p>Plain ({@link #plain}, a {@link GroupNorm}, the encoder's) or adaptive ({@link #adaptive}, an
 * {@link AdaptiveGroupNorm} conditioned on the quantized latents, the decoder's): then the inputs are
 * {@code NDList(x, z)} with latents {@code z (B, D, t, h, w)}, first resized in time to the features'
 * {@code T} frames in the causal layout ({@link AdaptiveGroupNorm#resizeLatents}) and folded the same
 * way, so each frame is modulated by the latent frame it was decoded from. Child {@code norm}; the
 * output has {@code x}'s shape. Not API.
 */
final class FrameGroupNorm extends AbstractBlock {

    private final Block norm;
    private final boolean adaptive;

    private FrameGroupNorm(Block norm, boolean adaptive) {
        this.norm = addChildBlock("norm", norm);
        this.adaptive = adaptive;
    }

    /** A per-frame {@link GroupNorm} of {@code channels} channels. */
    static FrameGroupNorm plain(int groups, int channels) {
        return new FrameGroupNorm(GroupNorm.builder().setGroups(groups).setChannels(channels).build(), false);
    }

    /** A per-frame {@link AdaptiveGroupNorm} of {@code channels} channels, modulated by latents of {@code latentChannels}. */
    static FrameGroupNorm adaptive(int groups, int channels, int latentChannels) {
        return new FrameGroupNorm(AdaptiveGroupNorm.builder().setGroups(groups).setChannels(channels)
                .setLatentChannels(latentChannels).build(), true);
    }

    /** Whether the inputs are {@code NDList(x, z)}. */
    boolean adaptive() {
        return adaptive;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);                                                   // (B, C, T, H, W)
        Shape s = x.getShape();
        NDList folded = new NDList(fold(x));                                         // (B*T, C, 1, H, W)
        if (adaptive) {
            NDArray z = inputs.get(1);                                               // (B, D, t, h, w)
            Shape zs = z.getShape();
            NDArray inTime = AdaptiveGroupNorm.resizeLatents(z, new Shape(s.get(2), zs.get(3), zs.get(4)));
            folded.add(fold(inTime));                                                // (B*T, D, 1, h, w)
        }
        NDArray out = norm.forward(ps, folded, training).singletonOrThrow();
        return new NDList(unfold(out, s.get(0), s.get(2)));
    }

    /** {@code (B, C, T, H, W) -> (B*T, C, 1, H, W)}: every frame a clip of its own. */
    static NDArray fold(NDArray x) {
        Shape s = x.getShape();
        if (s.get(2) == 1) {
            return x;
        }
        return x.transpose(0, 2, 1, 3, 4).reshape(s.get(0) * s.get(2), s.get(1), 1, s.get(3), s.get(4));
    }

    /** The inverse of {@link #fold}: {@code (B*T, C, 1, H, W) -> (B, C, T, H, W)}. */
    static NDArray unfold(NDArray x, long batch, long frames) {
        if (frames == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.reshape(batch, frames, s.get(1), s.get(3), s.get(4)).transpose(0, 2, 1, 3, 4);
    }

    private static Shape foldShape(Shape s) {
        return new Shape(s.get(0) * s.get(2), s.get(1), 1, s.get(3), s.get(4));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        if (adaptive) {
            Shape z = inputShapes[1];
            norm.initialize(manager, dataType, foldShape(x), new Shape(x.get(0) * x.get(2), z.get(1), 1, z.get(3), z.get(4)));
        } else {
            norm.initialize(manager, dataType, foldShape(x));
        }
    }
}
