package org.tokenlab.nn;

/**
 * The options {@link VqganEncoder} and {@link VqganDecoder} share, so that one architecture can be described
 * once and given to both (they must match). {@code setImageChannels} and {@code setLatentChannels}
 * are required. Defaults: base 32 channels, multipliers (1, 2, 2) (factor 4: 32x32 MNIST to 8x8
 * latents), 2 residual blocks per level (as VQGAN; the decoder uses one more), attention on, 32
 * groups, no dropout, 2D.
 *
 * <p>With {@code optSpatialRank(SpatialRank.THREE)} the same architecture works on videos
 * {@code (B, C, T, H, W)} with 3x3x3 convolutions (the 3D VQGAN of MAGVIT, Yu et al. 2023,
 * arXiv 2212.05199); {@code optTemporalDownsampling} says which levels also halve time (none by
 * default). In 3D, self-attention (when on) attends within each frame ({@link SelfAttention2d} frame
 * by frame), as a 3D model inflated from a 2D VQGAN with attention needs; MAGVIT's own 3D tokenizer
 * has none, so its configuration turns it off.
 * {@code optPadding(PaddingMode.REFLECT)} pads every convolution with reflection instead of zeros, as
 * MAGVIT does; the parameter names, and so the checkpoints, are the same for every padding.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class LevelsBuilder<B extends LevelsBuilder<B>> {

    int imageChannels;
    int latentChannels;
    int baseChannels = 32;
    int[] multipliers = {1, 2, 2};
    int residualBlocks = 2;
    boolean attention = true;
    int groups = 32;
    float dropout;
    SpatialRank rank = SpatialRank.TWO;
    boolean[] temporalDownsampling;
    PaddingMode padding = PaddingMode.ZEROS;

    LevelsBuilder() {}

    /** This builder, typed as the concrete builder. */
    protected abstract B self();

    /** Channels of the images: 1 for MNIST, 3 for RGB. */
    public B setImageChannels(int imageChannels) {
        this.imageChannels = imageChannels;
        return self();
    }

    /** Channels {@code D} of the latents: the code dimension of the quantizer in between. */
    public B setLatentChannels(int latentChannels) {
        this.latentChannels = latentChannels;
        return self();
    }

    /** Channels at full resolution (default 32; VQGAN uses 128). */
    public B optBaseChannels(int baseChannels) {
        this.baseChannels = baseChannels;
        return self();
    }

    /**
     * One multiplier of the base channels per resolution level, listed from full resolution down
     * (default 1, 2, 2; VQGAN 1, 1, 2, 2, 4).
     */
    public B optChannelMultipliers(int... multipliers) {
        this.multipliers = multipliers == null ? null : multipliers.clone();
        return self();
    }

    /** Residual blocks per level in the encoder (default 2, as VQGAN); the decoder has one more per level. */
    public B optResidualBlocks(int residualBlocks) {
        this.residualBlocks = residualBlocks;
        return self();
    }

    /** Self-attention at the lowest resolution and in the middle (default true). */
    public B optAttention(boolean attention) {
        this.attention = attention;
        return self();
    }

    /** GroupNorm groups (default 32); must divide every level's channel count. */
    public B optGroups(int groups) {
        this.groups = groups;
        return self();
    }

    /** Dropout inside the residual blocks (default 0). */
    public B optDropout(float dropout) {
        this.dropout = dropout;
        return self();
    }

    /** {@link SpatialRank#TWO} for images (default), {@link SpatialRank#THREE} for videos. */
    public B optSpatialRank(SpatialRank rank) {
        this.rank = rank;
        return self();
    }

    /**
     * For 3D: one flag per downsampling step (levels - 1 of them, from full resolution down), true
     * where that step also halves time. Default: none does. MAGVIT's 16-frame tokenizer halves time
     * at its last two steps, so 16 frames become 4 (temporal factor 4).
     */
    public B optTemporalDownsampling(boolean... temporal) {
        this.temporalDownsampling = temporal == null ? null : temporal.clone();
        return self();
    }

    /**
     * What the border of every convolution holds (default {@link PaddingMode#ZEROS}, as VQGAN): the
     * input and output convolutions, those of the residual blocks, of {@link Upsample}, and the pad
     * before {@link Downsample}'s strided convolution. MAGVIT's 3D VQ autoencoder uses
     * {@link PaddingMode#REFLECT}. The parameter names do not change, so a checkpoint of one padding
     * loads into a model of another. Reflection needs every padded axis longer than its pad: at
     * least 2 frames at every level of a video model.
     */
    public B optPadding(PaddingMode padding) {
        this.padding = padding;
        return self();
    }

    /** Checks every option, naming {@code owner} in the messages. */
    void check(String owner) {
        ChannelSchedule.check(owner, imageChannels, latentChannels, baseChannels, multipliers, residualBlocks, groups,
                dropout);
        org.tokenlab.internal.Checks.require(rank != null, "%s optSpatialRank needs SpatialRank.TWO or THREE, got null", owner);
        org.tokenlab.internal.Checks.require(padding != null, "%s optPadding needs PaddingMode.ZEROS, REFLECT or REPLICATE, "
                + "got null", owner);
        org.tokenlab.internal.Checks.require(temporalDownsampling == null
                        || rank == SpatialRank.THREE && temporalDownsampling.length == multipliers.length - 1,
                "%s optTemporalDownsampling needs optSpatialRank(THREE) and one flag per downsampling step "
                        + "(%d for %d levels), got %s", owner, multipliers.length - 1, multipliers.length,
                temporalDownsampling == null ? "null" : java.util.Arrays.toString(temporalDownsampling));
    }

    /** Whether the downsampling step after level {@code level} halves time. */
    boolean halvesTime(int level) {
        return temporalDownsampling != null && temporalDownsampling[level];
    }

    /** {@code 2^k} for the k steps that halve time (1 for images). */
    int temporalFactor() {
        int f = 1;
        for (int i = 0; temporalDownsampling != null && i < temporalDownsampling.length; i++) {
            f *= temporalDownsampling[i] ? 2 : 1;
        }
        return f;
    }

    /** The sampling block's factors for the step after {@code level}: (t, 2, 2) in 3D, none in 2D. */
    int[] stepFactors(int level) {
        return rank == SpatialRank.TWO ? null : new int[] {halvesTime(level) ? 2 : 1, 2, 2};
    }
}
