package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * The VQGAN decoder (Esser et al., 2021; {@code Decoder} in taming-transformers), the mirror of
 * {@link VqganEncoder}: latents {@code (B, latentChannels, h, w)} to images
 * {@code (B, imageChannels, h*f, w*f)} with {@code f = 2^(levels - 1)}.
 *
 * <p>Top to bottom: {@code conv3x3} from {@code latentChannels} to {@code base * multipliers[last]};
 * a middle of residual block, attention (when on), residual block; per level from the lowest up,
 * {@code residualBlocks + 1} {@link ResidualBlock}s (one more than the encoder, as VQGAN; each
 * followed by {@link SelfAttention2d} at the lowest level when attention is on) and an
 * {@link Upsample} unless it is the full-resolution level; then {@code GroupNorm -> swish ->
 * conv3x3} to {@code imageChannels}. There is no output activation: pixels live in [-1, 1] and the
 * loss sees the raw output.
 *
 * <pre>{@code
 * jshell> var decoder = VqganDecoder.builder().setImageChannels(1).setLatentChannels(16).build();
 * jshell> decoder.initialize(manager, DataType.FLOAT32, new Shape(64, 16, 8, 8));   // output (64, 1, 32, 32)
 * jshell> NDArray w = decoder.lastLayerWeight();   // (1, 32, 3, 3): for the adaptive GAN weight
 * }</pre>
 */
public final class VqganDecoder extends AbstractBlock {

    private final int imageChannels;
    private final int latentChannels;
    private final int factor;
    private final int temporalFactor;
    private final SpatialRank rank;
    private final List<Block> trunk = new ArrayList<>();
    private final Block normOut;
    private final Block convOut;

    private VqganDecoder(Builder b) {
        this.imageChannels = b.imageChannels;
        this.latentChannels = b.latentChannels;
        this.factor = ChannelSchedule.downsamplingFactor(b.multipliers);
        this.temporalFactor = b.temporalFactor();
        this.rank = b.rank;
        int levels = b.multipliers.length;
        int channels = ChannelSchedule.channels(b.baseChannels, b.multipliers, levels - 1);
        trunk.add(addChildBlock("conv_in", rank.sameConvolution(channels, 3, b.padding)));
        trunk.add(addChildBlock("mid_res0", residual(channels, channels, b)));
        if (b.attention) {
            trunk.add(addChildBlock("mid_attention", attention(channels, b)));
        }
        trunk.add(addChildBlock("mid_res1", residual(channels, channels, b)));
        for (int i = levels - 1; i >= 0; i--) {
            int out = ChannelSchedule.channels(b.baseChannels, b.multipliers, i);
            boolean lowest = i == levels - 1;
            for (int j = 0; j <= b.residualBlocks; j++) {
                trunk.add(addChildBlock("up" + i + "_res" + j, residual(channels, out, b)));
                channels = out;
                if (lowest && b.attention) {
                    trunk.add(addChildBlock("up" + i + "_attention" + j, attention(channels, b)));
                }
            }
            if (i > 0) {   // undoes the encoder's step after level i - 1
                Upsample.Builder up = Upsample.builder().setChannels(channels).optSpatialRank(rank).optPadding(b.padding);
                trunk.add(addChildBlock("up" + i + "_upsample", (rank == SpatialRank.TWO ? up : up.optFactors(b.stepFactors(i - 1))).build()));
            }
        }
        this.normOut = addChildBlock("norm_out", GroupNorm.builder().setGroups(b.groups).setChannels(channels).build());
        this.convOut = addChildBlock("conv_out", rank.sameConvolution(imageChannels, 3, b.padding));
    }

    private static Block residual(int in, int out, Builder b) {
        return ResidualBlock.builder().setInChannels(in).optOutChannels(out).optGroups(b.groups).optDropout(b.dropout)
                .optSpatialRank(b.rank).optPadding(b.padding).build();
    }

    private static Block attention(int channels, Builder b) {
        return SelfAttention2d.builder().setChannels(channels).optGroups(b.groups).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code f = 2^(levels - 1)}: a {@code h x w} latent grid gives a {@code h*f x w*f} image. */
    public int downsamplingFactor() {
        return factor;
    }

    public int imageChannels() {
        return imageChannels;
    }

    /**
     * The weight {@code (imageChannels, base * multipliers[0], 3, 3)} of the final convolution, the
     * array the parameter store hands to the forward pass on a single device, so after a backward
     * pass {@code lastLayerWeight().getGradient()} holds the loss's gradient with respect to it (the
     * adaptive GAN weight of VQGAN compares these for the reconstruction and GAN losses). Owned by
     * the block; do not close it.
     *
     * @throws IllegalStateException before the decoder is initialized
     */
    public NDArray lastLayerWeight() {
        Parameter weight = convOut.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            throw new IllegalStateException("VqganDecoder.lastLayerWeight needs an initialized decoder; call "
                    + "initialize(manager, DataType.FLOAT32, latentShape) or train it in a Trainer first");
        }
        return weight.getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();                           // (B, D, h, w)
        checkInput(z.getShape());
        NDArray h = BlockChain.forward(trunk, ps, z, training);          // (B, base * mult[0], h*f, w*f)
        h = Swish.apply(normOut.forward(ps, new NDList(h), training).singletonOrThrow());
        return convOut.forward(ps, new NDList(h), training);              // (B, Cin, h*f, w*f)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (rank == SpatialRank.THREE) {
            return new Shape[] {new Shape(s.get(0), imageChannels, s.get(2) * temporalFactor, s.get(3) * factor, s.get(4) * factor)};
        }
        return new Shape[] {new Shape(s.get(0), imageChannels, s.get(2) * factor, s.get(3) * factor)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        Shape h = BlockChain.initialize(trunk, manager, dataType, inputShapes[0]);
        normOut.initialize(manager, dataType, h);
        convOut.initialize(manager, dataType, h);
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() == rank.inputDimension() && s.get(1) == latentChannels,
                "VqganDecoder expects latents %s with C = %d, got %s; setLatentChannels and optSpatialRank must match the encoder's",
                rank.layout(), latentChannels, Checks.describe(s));
    }

    /** Builder: the shared options of {@link LevelsBuilder}; use the same values for encoder and decoder. */
    public static final class Builder extends LevelsBuilder<Builder> {

        @Override
        protected Builder self() {
            return this;
        }

        public VqganDecoder build() {
            check("VqganDecoder");
            return new VqganDecoder(this);
        }
    }
}
