package org.tokenlab.tokenizer;

import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * The architecture of a {@link VqganTokenizer}: image channels, the encoder/decoder widths
 * ({@code baseChannels} times each multiplier, one resolution per multiplier, halving between them),
 * residual blocks per resolution, attention at the lowest resolution, GroupNorm groups, and the
 * latent width before the 1x1 convolution to the code dimension. Build one by name:
 *
 * <pre>{@code
 * jshell> VqganConfig gpu = VqganConfig.builder()
 *    ...>     .setImageChannels(1)
 *    ...>     .optBaseChannels(64)
 *    ...>     .optChannelMultipliers(1, 2, 2)
 *    ...>     .optResidualBlocks(2)
 *    ...>     .optGroups(16)
 *    ...>     .optLatentChannels(128)
 *    ...>     .build();
 * }</pre>
 *
 * @param imageChannels 1 for digits, 3 for RGB
 * @param baseChannels width of the first resolution
 * @param channelMultipliers width multiplier per resolution; {@code n} multipliers downsample by 2^(n-1)
 * @param residualBlocks residual blocks per resolution in the encoder (the decoder uses one more)
 * @param attention self-attention at the lowest resolution
 * @param groups GroupNorm groups (must divide every width)
 * @param latentChannels width of the encoder's output and the decoder's input
 */
public record VqganConfig(int imageChannels, int baseChannels, int[] channelMultipliers, int residualBlocks,
        boolean attention, int groups, int latentChannels) {

    public VqganConfig {
        Checks.require(imageChannels >= 1, "VqganConfig imageChannels must be at least 1, got %d; "
                + "1 for digits, 3 for RGB", imageChannels);
        Checks.require(baseChannels >= 1, "VqganConfig baseChannels must be at least 1, got %d; the default is 32",
                baseChannels);
        Checks.require(channelMultipliers != null && channelMultipliers.length >= 1,
                "VqganConfig channelMultipliers needs at least one entry, got %s; e.g. {1, 2, 2} for 4x downsampling",
                channelMultipliers == null ? "null" : "none");
        channelMultipliers = channelMultipliers.clone();
        Checks.require(groups >= 1, "VqganConfig groups must be at least 1, got %d; the default is 8, and 32 "
                + "as in taming-transformers needs widths that are multiples of 32", groups);
        for (int m : channelMultipliers) {
            Checks.require(m >= 1 && baseChannels * m % groups == 0, "VqganConfig: every width baseChannels x "
                    + "multiplier must be a positive multiple of groups = %d, got %d x %s; change baseChannels or groups",
                    groups, baseChannels, Arrays.toString(channelMultipliers));
        }
        Checks.require(residualBlocks >= 1, "VqganConfig residualBlocks must be at least 1, got %d; the default is 1",
                residualBlocks);
        Checks.require(latentChannels >= 1, "VqganConfig latentChannels must be at least 1, got %d; the default is 64",
                latentChannels);
    }

    /**
     * Small enough to train on 32x32 digits on a 2-core CPU: widths 32, 64, 64, one residual block
     * per resolution, attention at 8x8, 8 groups; a 32x32 digit becomes 8x8 tokens.
     */
    public static VqganConfig defaults() {
        return builder().setImageChannels(1).build();
    }

    /** A builder whose optional settings start at {@link #defaults()}'s values; {@code setImageChannels} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named settings of a {@link VqganConfig}: {@code setImageChannels} is required, the rest optional. */
    public static final class Builder {
        private int imageChannels;
        private int baseChannels = 32;
        private int[] channelMultipliers = {1, 2, 2};
        private int residualBlocks = 1;
        private boolean attention = true;
        private int groups = 8;
        private int latentChannels = 64;

        private Builder() {}

        /** Channels of the images: 1 for digits, 3 for RGB. */
        public Builder setImageChannels(int imageChannels) {
            this.imageChannels = imageChannels;
            return this;
        }

        /** Width of the first resolution (default 32). */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /** Width multiplier per resolution (default 1, 2, 2); {@code n} multipliers downsample by 2^(n-1). */
        public Builder optChannelMultipliers(int... channelMultipliers) {
            this.channelMultipliers = channelMultipliers == null ? null : channelMultipliers.clone();
            return this;
        }

        /** Residual blocks per resolution in the encoder (default 1; the decoder uses one more). */
        public Builder optResidualBlocks(int residualBlocks) {
            this.residualBlocks = residualBlocks;
            return this;
        }

        /** Self-attention at the lowest resolution (default true). */
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

        /**
         * The config.
         *
         * @throws IllegalArgumentException without {@code setImageChannels}, or for a setting out of range
         */
        public VqganConfig build() {
            Checks.require(imageChannels >= 1, "VqganConfig needs setImageChannels(c) with c >= 1, got %d; "
                    + "1 for digits, 3 for RGB", imageChannels);
            return new VqganConfig(imageChannels, baseChannels, channelMultipliers, residualBlocks, attention, groups,
                    latentChannels);
        }
    }

    @Override
    public int[] channelMultipliers() {
        return channelMultipliers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VqganConfig c && c.imageChannels == imageChannels && c.baseChannels == baseChannels
                && Arrays.equals(c.channelMultipliers, channelMultipliers) && c.residualBlocks == residualBlocks
                && c.attention == attention && c.groups == groups && c.latentChannels == latentChannels;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(channelMultipliers) + java.util.Objects.hash(imageChannels, baseChannels,
                residualBlocks, attention, groups, latentChannels);
    }

    @Override
    public String toString() {
        return "VqganConfig[imageChannels=" + imageChannels + ", baseChannels=" + baseChannels + ", channelMultipliers="
                + Arrays.toString(channelMultipliers) + ", residualBlocks=" + residualBlocks + ", attention=" + attention
                + ", groups=" + groups + ", latentChannels=" + latentChannels + "]";
    }
}
