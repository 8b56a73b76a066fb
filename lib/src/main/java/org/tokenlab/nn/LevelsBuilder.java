package org.tokenlab.nn;

/**
 * The options {@link VqganEncoder} and {@link VqganDecoder} share, so that one architecture can be described
 * once and given to both (they must match). {@code setImageChannels} and {@code setLatentChannels}
 * are required. Defaults: base 32 channels, multipliers (1, 2, 2) (factor 4: 32x32 MNIST to 8x8
 * latents), 2 residual blocks per level (as VQGAN; the decoder uses one more), attention on, 32
 * groups, no dropout.
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

    /** Checks every option, naming {@code owner} in the messages. */
    void check(String owner) {
        ChannelSchedule.check(owner, imageChannels, latentChannels, baseChannels, multipliers, residualBlocks, groups,
                dropout);
    }
}
