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
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.nn.CausalConv3d;
import org.tokenlab.nn.DepthToSpaceUpsample;
import org.tokenlab.nn.Swish;

/**
 * MAGVIT-v2's decoder: quantized latents {@code (B, d, 1 + k, h, w)} to clips
 * {@code (B, C, 1 + s*k, h*f, w*f)}, every normalization an adaptive group norm conditioned on those
 * latents.
 *
 * <pre>
 *   conv_in      causal 3x3x3, d -> width of the last level
 *   mid          residualBlocks adaptive causal residual blocks ({@code mid_res<r>})
 *   per level i from the last: residualBlocks adaptive causal residual blocks to width_i
 *                ({@code up<i>_res<r>}), then, but for the first level, depth-to-space up-sampling to
 *                width_(i-1) ({@code up<i>_sample}, factors (2 or 1, 2, 2))
 *   norm_out     per-frame adaptive GroupNorm, swish
 *   conv_out     causal 3x3x3, base -> C
 * </pre>
 *
 * Causal like the encoder: output frames {@code <= j*s} depend on latent frames {@code <= j}. Not API.
 */
final class Magvit2Decoder extends AbstractBlock {

    private final CausalConv3d convIn;
    private final List<Block> body = new ArrayList<>();
    private final FrameGroupNorm normOut;
    private final CausalConv3d convOut;

    Magvit2Decoder(Magvit2Config c) {
        var time = c.timePadding();
        var space = c.spatialPadding();
        int d = c.latentBits();
        int channels = c.width(c.levels() - 1);
        boolean[] temporal = c.temporalDownsampling();
        convIn = addChildBlock("conv_in", CausalResidualBlock.conv(channels, 3, time, space));
        for (int r = 0; r < c.residualBlocks(); r++) {
            body.add(addChildBlock("mid_res" + r, new CausalResidualBlock(channels, channels, c.groups(), d, time, space)));
        }
        for (int level = c.levels() - 1; level >= 0; level--) {
            for (int r = 0; r < c.residualBlocks(); r++) {
                body.add(addChildBlock("up" + level + "_res" + r,
                        new CausalResidualBlock(channels, c.width(level), c.groups(), d, time, space)));
                channels = c.width(level);
            }
            if (level > 0) {
                channels = c.width(level - 1);
                body.add(addChildBlock("up" + level + "_sample", DepthToSpaceUpsample.builder().setFilters(channels)
                        .optFactors(temporal[level - 1] ? 2 : 1, 2, 2).optTimePadding(time).optSpatialPadding(space)
                        .build()));
            }
        }
        normOut = addChildBlock("norm_out", FrameGroupNorm.adaptive(c.groups(), channels, d));
        convOut = addChildBlock("conv_out", CausalResidualBlock.conv(c.imageChannels(), 3, time, space));
    }

    /** The last convolution's weight {@code (C, base, 3, 3, 3)}. */
    NDArray lastLayerWeight() {
        return convOut.getParameters().get("weight").getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();                                       // (B, d, t, h, w)
        NDArray h = convIn.forward(ps, inputs, training).singletonOrThrow();
        for (Block block : body) {
            NDList in = block instanceof CausalResidualBlock ? new NDList(h, z) : new NDList(h);
            h = block.forward(ps, in, training).singletonOrThrow();
        }
        h = normOut.forward(ps, new NDList(h, z), training).singletonOrThrow();
        return convOut.forward(ps, new NDList(Swish.apply(h)), training);           // (B, C, 1 + s*(t - 1), H, W)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = convIn.getOutputShapes(inputShapes)[0];
        for (Block block : body) {
            s = block.getOutputShapes(new Shape[] {s})[0];
        }
        return convOut.getOutputShapes(new Shape[] {s});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape z = inputShapes[0];
        convIn.initialize(manager, dataType, z);
        Shape s = convIn.getOutputShapes(inputShapes)[0];
        for (Block block : body) {
            if (block instanceof CausalResidualBlock) {
                block.initialize(manager, dataType, s, z);
            } else {
                block.initialize(manager, dataType, s);
            }
            s = block.getOutputShapes(new Shape[] {s})[0];
        }
        normOut.initialize(manager, dataType, s, z);
        convOut.initialize(manager, dataType, s);
    }
}
