package org.tokenlab.tokenizer;

import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * The architecture of a {@link VqganTokenizer}: image channels, the encoder/decoder widths
 * ({@code baseChannels} times each multiplier, one resolution per multiplier, halving between them),
 * residual blocks per resolution, attention at the lowest resolution, GroupNorm groups, and the
 * latent width before the 1x1 convolution to the code dimension.
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
        Checks.require(imageChannels >= 1, "imageChannels must be at least 1, got %d", imageChannels);
        Checks.require(baseChannels >= 1, "baseChannels must be at least 1, got %d", baseChannels);
        Checks.require(channelMultipliers != null && channelMultipliers.length >= 1,
                "channelMultipliers needs at least one entry, e.g. {1, 2, 2}");
        channelMultipliers = channelMultipliers.clone();
        for (int m : channelMultipliers) {
            Checks.require(m >= 1 && baseChannels * m % groups == 0, "every width baseChannels x multiplier must be a "
                    + "positive multiple of groups = %d, got %d x %s", groups, baseChannels, Arrays.toString(channelMultipliers));
        }
        Checks.require(residualBlocks >= 1, "residualBlocks must be at least 1, got %d", residualBlocks);
        Checks.require(latentChannels >= 1, "latentChannels must be at least 1, got %d", latentChannels);
    }

    /**
     * Small enough to train on 32x32 digits on a 2-core CPU: widths 32, 64, 64, one residual block
     * per resolution, attention at 8x8, 8 groups; a 32x32 digit becomes 8x8 tokens.
     */
    public static VqganConfig defaults() {
        return new VqganConfig(1, 32, new int[] {1, 2, 2}, 1, true, 8, 64);
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
