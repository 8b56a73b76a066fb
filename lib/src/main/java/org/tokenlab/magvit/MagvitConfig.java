package org.tokenlab.magvit;

import java.util.Arrays;
import java.util.Objects;
import org.tokenlab.internal.Checks;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.tokenizer.VqganConfig;

/**
 * The architecture of a {@link MagvitTokenizer}, MAGVIT's 3D VQ autoencoder (Yu et al., "MAGVIT: Masked
 * Generative Video Transformer", CVPR 2023, arXiv 2212.05199): the VQGAN encoder/decoder plan of
 * {@link VqganConfig} with 3x3x3 convolutions, plus which down-sampling steps also halve time and how
 * the borders are padded. A clip {@code (B, C, T, H, W)} becomes latents
 * {@code (B, D, T/s, H/f, W/f)} with {@code f = 2^(levels - 1)} and {@code s = 2^(steps that halve time)}.
 *
 * <pre>{@code
 * jshell> MagvitConfig cpu = MagvitConfig.defaults();                    // 8x32x32 clips -> 4x8x8 tokens
 * jshell> MagvitConfig inflatable = MagvitConfig.builder().like(VqganConfig.defaults())
 *    ...>     .optTemporalDownsampling(false, true).build();             // fits a 2D VQGAN checkpoint, zero padding
 * }</pre>
 *
 * <p>Where it differs from the official code (google-research/magvit): MAGVIT-B on 16x64x64 clips
 * uses 64 base channels, multipliers (1, 2, 2, 4) at 128x128 (here {@link #paper()} uses (1, 2, 4)
 * for 64x64 to reach its 4x16x16 grid), two residual blocks, no attention, time halved at the last
 * two steps, and reflect padding; the down-sampling here is VQGAN's strided convolution in 3D, not
 * the official average pooling, and attention (off by default) may be turned on so that a 2D VQGAN
 * with attention can be inflated into it, attending within each frame.
 *
 * @param imageChannels 1 for digits, 3 for RGB
 * @param baseChannels width of the first resolution
 * @param channelMultipliers width multiplier per resolution; {@code n} multipliers halve H and W {@code n - 1} times
 * @param temporalDownsampling one flag per down-sampling step ({@code n - 1}), true where the step also halves time
 * @param residualBlocks residual blocks per resolution in the encoder (the decoder uses one more)
 * @param attention per-frame self-attention at the lowest resolution (MAGVIT: none)
 * @param groups GroupNorm groups (must divide every width)
 * @param latentChannels width of the encoder's output and the decoder's input
 * @param padding how every same-size convolution pads the borders of space and time (MAGVIT: reflect)
 */
public record MagvitConfig(int imageChannels, int baseChannels, int[] channelMultipliers, boolean[] temporalDownsampling,
        int residualBlocks, boolean attention, int groups, int latentChannels, PaddingMode padding) {

    public MagvitConfig {
        try { // the widths follow VqganConfig's rules: one place checks them
            new VqganConfig(imageChannels, baseChannels, channelMultipliers, residualBlocks, attention, groups, latentChannels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MagvitConfig: " + e.getMessage(), e);
        }
        channelMultipliers = channelMultipliers.clone();
        Checks.require(temporalDownsampling != null && temporalDownsampling.length == channelMultipliers.length - 1,
                "MagvitConfig temporalDownsampling needs one flag per down-sampling step (%d for %d channel multipliers), "
                        + "got %s; e.g. (false, true) halves time once for multipliers (1, 2, 2)",
                channelMultipliers.length - 1, channelMultipliers.length,
                temporalDownsampling == null ? "null" : Arrays.toString(temporalDownsampling));
        temporalDownsampling = temporalDownsampling.clone();
        Checks.require(padding != null, "MagvitConfig padding must not be null; MAGVIT uses PaddingMode.REFLECT, "
                + "VQGAN PaddingMode.ZEROS");
    }

    /**
     * Small enough to train on 2 cores: widths 32, 64, 64, one residual block, no attention, 8
     * groups, latent 64, time halved at the second step, reflect padding; 8x32x32 clips become 4x8x8 tokens.
     */
    public static MagvitConfig defaults() {
        return builder().setImageChannels(1).build();
    }

    /**
     * MAGVIT-B's plan at 16x64x64 (Yu et al. 2023, Appendix, 3D-VQ): widths 64, 128, 256, two residual
     * blocks, no attention, 32 groups, latent 256, time halved at both steps, reflect padding; 16x64x64
     * clips become 4x16x16 tokens.
     */
    public static MagvitConfig paper() {
        return builder().setImageChannels(1).optBaseChannels(64).optChannelMultipliers(1, 2, 4)
                .optTemporalDownsampling(true, true).optResidualBlocks(2).optGroups(32).optLatentChannels(256).build();
    }

    /** The temporal factor {@code s}: how many frames one latent frame covers. */
    public int temporalFactor() {
        int s = 1;
        for (boolean halves : temporalDownsampling) {
            s *= halves ? 2 : 1;
        }
        return s;
    }

    /** The spatial factor {@code f = 2^(levels - 1)}. */
    public int spatialFactor() {
        return 1 << (channelMultipliers.length - 1);
    }

    /** A builder whose optional settings start at {@link #defaults()}'s values; {@code setImageChannels} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named settings of a {@link MagvitConfig}: {@code setImageChannels} is required, the rest optional. */
    public static final class Builder {
        private int imageChannels;
        private int baseChannels = 32;
        private int[] channelMultipliers = {1, 2, 2};
        private boolean[] temporalDownsampling = {false, true};
        private int residualBlocks = 1;
        private boolean attention;
        private int groups = 8;
        private int latentChannels = 64;
        private PaddingMode padding = PaddingMode.REFLECT;

        private Builder() {}

        /**
         * Every setting a 2D {@link VqganConfig} has, taken from {@code config}, so that a tokenizer of
         * this config can be inflated from that VQGAN's checkpoint; time is then halved at the last
         * down-sampling step (change it with {@link #optTemporalDownsampling}). The padding becomes
         * {@link PaddingMode#ZEROS}, as {@code VqganTokenizer} pads: only with the 2D model's padding does
         * the inflated model compute what the 2D model did (MAGVIT inflates a reflect-padded 2D VQGAN
         * into a reflect-padded 3D one). {@link #optPadding} after it changes that.
         */
        public Builder like(VqganConfig config) {
            Checks.notNull(config, "config");
            imageChannels = config.imageChannels();
            baseChannels = config.baseChannels();
            channelMultipliers = config.channelMultipliers();
            residualBlocks = config.residualBlocks();
            attention = config.attention();
            groups = config.groups();
            latentChannels = config.latentChannels();
            padding = PaddingMode.ZEROS;
            temporalDownsampling = new boolean[Math.max(0, channelMultipliers.length - 1)];
            if (temporalDownsampling.length > 0) {
                temporalDownsampling[temporalDownsampling.length - 1] = true;
            }
            return this;
        }

        /** Channels of the clips: 1 for digits, 3 for RGB. */
        public Builder setImageChannels(int imageChannels) {
            this.imageChannels = imageChannels;
            return this;
        }

        /** Width of the first resolution (default 32). */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /**
         * Width multiplier per resolution (default 1, 2, 2). Give the temporal flags after it when the
         * number of levels changes: they must number one fewer than the multipliers.
         */
        public Builder optChannelMultipliers(int... channelMultipliers) {
            this.channelMultipliers = channelMultipliers == null ? null : channelMultipliers.clone();
            return this;
        }

        /** Which down-sampling steps also halve time (default false, true: 8 frames become 4). */
        public Builder optTemporalDownsampling(boolean... temporalDownsampling) {
            this.temporalDownsampling = temporalDownsampling == null ? null : temporalDownsampling.clone();
            return this;
        }

        /** Residual blocks per resolution in the encoder (default 1; the decoder uses one more). */
        public Builder optResidualBlocks(int residualBlocks) {
            this.residualBlocks = residualBlocks;
            return this;
        }

        /** Per-frame self-attention at the lowest resolution (default false, as MAGVIT). */
        public Builder optAttention(boolean attention) {
            this.attention = attention;
            return this;
        }

        /** GroupNorm groups, which must divide every width (default 8). */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Width of the encoder's output and the decoder's input (default 64). */
        public Builder optLatentChannels(int latentChannels) {
            this.latentChannels = latentChannels;
            return this;
        }

        /** How the convolutions pad borders in space and time (default {@link PaddingMode#REFLECT}, as MAGVIT). */
        public Builder optPadding(PaddingMode padding) {
            this.padding = padding;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException without {@code setImageChannels}, or for a setting out of range
         */
        public MagvitConfig build() {
            Checks.require(imageChannels >= 1, "MagvitConfig needs setImageChannels(c) with c >= 1, got %d; "
                    + "1 for digits, 3 for RGB", imageChannels);
            return new MagvitConfig(imageChannels, baseChannels, channelMultipliers, temporalDownsampling, residualBlocks,
                    attention, groups, latentChannels, padding);
        }
    }

    @Override
    public int[] channelMultipliers() {
        return channelMultipliers.clone();
    }

    @Override
    public boolean[] temporalDownsampling() {
        return temporalDownsampling.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MagvitConfig c && c.imageChannels == imageChannels && c.baseChannels == baseChannels
                && Arrays.equals(c.channelMultipliers, channelMultipliers)
                && Arrays.equals(c.temporalDownsampling, temporalDownsampling) && c.residualBlocks == residualBlocks
                && c.attention == attention && c.groups == groups && c.latentChannels == latentChannels
                && c.padding == padding;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(channelMultipliers) + Arrays.hashCode(temporalDownsampling))
                + Objects.hash(imageChannels, baseChannels, residualBlocks, attention, groups, latentChannels, padding);
    }

    @Override
    public String toString() {
        return "MagvitConfig[imageChannels=" + imageChannels + ", baseChannels=" + baseChannels + ", channelMultipliers="
                + Arrays.toString(channelMultipliers) + ", temporalDownsampling=" + Arrays.toString(temporalDownsampling)
                + ", residualBlocks=" + residualBlocks + ", attention=" + attention + ", groups=" + groups
                + ", latentChannels=" + latentChannels + ", padding=" + padding + "]";
    }
}
