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
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * The VQGAN encoder (Esser et al., 2021; {@code Encoder} in taming-transformers): images
 * {@code (B, imageChannels, H, W)} to latents {@code (B, latentChannels, H/f, W/f)} with
 * {@code f = 2^(levels - 1)}, where {@code levels} is the number of channel multipliers.
 *
 * <p>Top to bottom: {@code conv3x3} to {@code base} channels; per level {@code i},
 * {@code residualBlocks} {@link ResidualBlock}s to {@code base * multipliers[i]} channels (each
 * followed by {@link SelfAttention2d} at the lowest level when attention is on) and a
 * {@link Downsample} unless it is the last level; a middle of residual block, attention (when on),
 * residual block; then {@code GroupNorm -> swish -> conv3x3} to {@code latentChannels}. The
 * latents are not quantized here; a {@code Quantizer} (and, if wanted, a 1x1 "quant_conv") follows.
 *
 * <pre>{@code
 * jshell> var encoder = VqganEncoder.builder().setImageChannels(1).setLatentChannels(16)
 *    ...>         .optBaseChannels(32).optChannelMultipliers(1, 2, 2).build();
 * jshell> encoder.initialize(manager, DataType.FLOAT32, new Shape(64, 1, 32, 32));
 * jshell> encoder.getOutputShapes(new Shape[] {new Shape(64, 1, 32, 32)})[0]   // (64, 16, 8, 8)
 * jshell> var video = VqganEncoder.builder().setImageChannels(1).setLatentChannels(16).optAttention(false)
 *    ...>         .optSpatialRank(SpatialRank.THREE).optTemporalDownsampling(false, true).build();
 * jshell> video.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 16, 32, 32));   // latents (8, 16, 8, 8, 8)
 * }</pre>
 *
 * <p>With {@code optSpatialRank(SpatialRank.THREE)} it is the 3D-CNN encoder of MAGVIT: videos
 * {@code (B, C, T, H, W)} to latents {@code (B, D, T/ft, H/f, W/f)}, where {@code ft} comes from
 * {@code optTemporalDownsampling}, and {@code optPadding(PaddingMode.REFLECT)} pads with reflection as
 * MAGVIT does (zeros by default). It differs from the official MAGVIT code in its VQGAN-style level
 * plan; inflation from a trained 2D encoder is a separate step ({@link Inflation}), which works with
 * either padding since the parameter names are the same.
 */
public final class VqganEncoder extends AbstractBlock {

    private final int imageChannels;
    private final int latentChannels;
    private final int factor;
    private final int temporalFactor;
    private final SpatialRank rank;
    private final List<Block> trunk = new ArrayList<>();
    private final Block normOut;
    private final Block convOut;

    private VqganEncoder(Builder b) {
        this.imageChannels = b.imageChannels;
        this.latentChannels = b.latentChannels;
        this.factor = ChannelSchedule.downsamplingFactor(b.multipliers);
        this.temporalFactor = b.temporalFactor();
        this.rank = b.rank;
        int levels = b.multipliers.length;
        int channels = b.baseChannels;
        trunk.add(addChildBlock("conv_in", rank.sameConvolution(channels, 3, b.padding)));
        for (int i = 0; i < levels; i++) {
            int out = ChannelSchedule.channels(b.baseChannels, b.multipliers, i);
            boolean lowest = i == levels - 1;
            for (int j = 0; j < b.residualBlocks; j++) {
                trunk.add(addChildBlock("down" + i + "_res" + j, residual(channels, out, b)));
                channels = out;
                if (lowest && b.attention) {
                    trunk.add(addChildBlock("down" + i + "_attention" + j, attention(channels, b.groups)));
                }
            }
            if (!lowest) {
                Downsample.Builder down = Downsample.builder().setChannels(channels).optSpatialRank(rank).optPadding(b.padding);
                trunk.add(addChildBlock("down" + i + "_downsample", (rank == SpatialRank.TWO ? down : down.optFactors(b.stepFactors(i))).build()));
            }
        }
        trunk.add(addChildBlock("mid_res0", residual(channels, channels, b)));
        if (b.attention) {
            trunk.add(addChildBlock("mid_attention", attention(channels, b.groups)));
        }
        trunk.add(addChildBlock("mid_res1", residual(channels, channels, b)));
        this.normOut = addChildBlock("norm_out", GroupNorm.builder().setGroups(b.groups).setChannels(channels).build());
        this.convOut = addChildBlock("conv_out", rank.sameConvolution(latentChannels, 3, b.padding));
    }

    private static Block attention(int channels, int groups) {
        return SelfAttention2d.builder().setChannels(channels).optGroups(groups).build();
    }

    private static Block residual(int in, int out, Builder b) {
        return ResidualBlock.builder().setInChannels(in).optOutChannels(out).optGroups(b.groups).optDropout(b.dropout)
                .optSpatialRank(b.rank).optPadding(b.padding).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code f = 2^(levels - 1)}: a {@code H x W} image gives a {@code H/f x W/f} latent grid. */
    public int downsamplingFactor() {
        return factor;
    }

    public int latentChannels() {
        return latentChannels;
    }

    /** How many frames become one latent time step: 1 for images, {@code 2^k} for k time-halving steps. */
    public int temporalFactor() {
        return temporalFactor;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                           // (B, Cin, H, W)
        checkInput(x.getShape());
        NDArray h = BlockChain.forward(trunk, ps, x, training);          // (B, base * mult[last], H/f, W/f)
        h = Swish.apply(normOut.forward(ps, new NDList(h), training).singletonOrThrow());
        return convOut.forward(ps, new NDList(h), training);              // (B, D, H/f, W/f)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (rank == SpatialRank.THREE) {
            return new Shape[] {new Shape(s.get(0), latentChannels, s.get(2) / temporalFactor, s.get(3) / factor, s.get(4) / factor)};
        }
        return new Shape[] {new Shape(s.get(0), latentChannels, s.get(2) / factor, s.get(3) / factor)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        Shape h = BlockChain.initialize(trunk, manager, dataType, inputShapes[0]);
        normOut.initialize(manager, dataType, h);
        convOut.initialize(manager, dataType, h);
    }

    private void checkInput(Shape s) {
        if (rank == SpatialRank.THREE) {
            Checks.require(s.dimension() == 5 && s.get(1) == imageChannels && s.get(2) % temporalFactor == 0
                            && s.get(3) % factor == 0 && s.get(4) % factor == 0,
                    "VqganEncoder (3D) expects videos (B, %d, T, H, W) with T a multiple of %d and H, W multiples of %d, got %s; "
                            + "crop or pad the clips, or change optTemporalDownsampling / the channel multipliers",
                    imageChannels, temporalFactor, factor, Checks.describe(s));
            return;
        }
        Checks.require(s.dimension() == 4 && s.get(1) == imageChannels && s.get(2) % factor == 0 && s.get(3) % factor == 0,
                "VqganEncoder expects images (B, %d, H, W) with H and W multiples of %d (it halves them %d times), got %s; "
                        + "crop or pad the images, or use fewer channel multipliers",
                imageChannels, factor, Integer.numberOfTrailingZeros(factor), Checks.describe(s));
    }

    /** Builder: the shared options of {@link LevelsBuilder}; use the same values for encoder and decoder. */
    public static final class Builder extends LevelsBuilder<Builder> {

        @Override
        protected Builder self() {
            return this;
        }

        public VqganEncoder build() {
            check("VqganEncoder");
            return new VqganEncoder(this);
        }
    }
}
