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
import org.tokenlab.nn.Swish;

/**
 * MAGVIT-v2's causal encoder: clips {@code (B, C, 1 + s*k, H, W)} to latents
 * {@code (B, d, 1 + k, H/f, W/f)} before quantization.
 *
 * <pre>
 *   conv_in      causal 3x3x3, C -> base
 *   per level i: residualBlocks causal residual blocks to width_i ({@code down<i>_res<r>}),
 *                then, but for the last level, a strided causal 3x3x3 convolution
 *                ({@code down<i>_sample}, stride (2 or 1, 2, 2))
 *   mid          residualBlocks causal residual blocks ({@code mid_res<r>})
 *   norm_out     per-frame GroupNorm, swish
 *   conv_out     causal 1x1x1, width -> d
 * </pre>
 *
 * Every layer is causal in time and normalizes frame by frame, so latent frame {@code j} depends on
 * input frames {@code <= j*s} only and the first frame is encoded alone. Not API.
 */
final class Magvit2Encoder extends AbstractBlock {

    private final CausalConv3d convIn;
    private final List<Block> body = new ArrayList<>();
    private final FrameGroupNorm normOut;
    private final CausalConv3d convOut;

    Magvit2Encoder(Magvit2Config c) {
        var time = c.timePadding();
        var space = c.spatialPadding();
        convIn = addChildBlock("conv_in", CausalResidualBlock.conv(c.baseChannels(), 3, time, space));
        int channels = c.baseChannels();
        boolean[] temporal = c.temporalDownsampling();
        for (int level = 0; level < c.levels(); level++) {
            for (int r = 0; r < c.residualBlocks(); r++) {
                body.add(addChildBlock("down" + level + "_res" + r,
                        new CausalResidualBlock(channels, c.width(level), c.groups(), 0, time, space)));
                channels = c.width(level);
            }
            if (level < c.levels() - 1) {
                body.add(addChildBlock("down" + level + "_sample", CausalConv3d.builder().setFilters(channels)
                        .optStride(temporal[level] ? 2 : 1, 2, 2).optTimePadding(time).optSpatialPadding(space).build()));
            }
        }
        for (int r = 0; r < c.residualBlocks(); r++) {
            body.add(addChildBlock("mid_res" + r, new CausalResidualBlock(channels, channels, c.groups(), 0, time, space)));
        }
        normOut = addChildBlock("norm_out", FrameGroupNorm.plain(c.groups(), channels));
        convOut = addChildBlock("conv_out", CausalResidualBlock.conv(c.latentBits(), 1, time, space));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = convIn.forward(ps, inputs, training);                            // (B, base, T, H, W)
        for (Block block : body) {
            h = block.forward(ps, h, training);
        }
        NDArray normalized = normOut.forward(ps, h, training).singletonOrThrow();
        return convOut.forward(ps, new NDList(Swish.apply(normalized)), training);  // (B, d, 1 + k, H/f, W/f)
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
        convIn.initialize(manager, dataType, inputShapes[0]);
        Shape s = convIn.getOutputShapes(inputShapes)[0];
        for (Block block : body) {
            block.initialize(manager, dataType, s);
            s = block.getOutputShapes(new Shape[] {s})[0];
        }
        normOut.initialize(manager, dataType, s);
        convOut.initialize(manager, dataType, s);
    }
}
