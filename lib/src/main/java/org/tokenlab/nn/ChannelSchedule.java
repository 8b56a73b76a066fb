package org.tokenlab.nn;

import org.tokenlab.internal.Checks;

/**
 * The channel plan shared by {@link VqganEncoder} and {@link VqganDecoder}: level {@code i} (resolution
 * {@code H / 2^i}) has {@code baseChannels * multipliers[i]} channels. Validates the builders'
 * values with messages that name the owner. Not API.
 */
final class ChannelSchedule {

    private ChannelSchedule() {}

    /** Channels of level {@code i}. */
    static int channels(int baseChannels, int[] multipliers, int level) {
        return baseChannels * multipliers[level];
    }

    /** {@code 2^(levels - 1)}: one halving between consecutive levels. */
    static int downsamplingFactor(int[] multipliers) {
        return 1 << (multipliers.length - 1);
    }

    static void check(String owner, int imageChannels, int latentChannels, int baseChannels, int[] multipliers,
            int residualBlocks, int groups, float dropout) {
        Checks.require(imageChannels >= 1, "%s needs setImageChannels(c) with c >= 1 (1 for MNIST, 3 for RGB), got %d",
                owner, imageChannels);
        Checks.require(latentChannels >= 1, "%s needs setLatentChannels(d) with d >= 1 (the code dimension), got %d",
                owner, latentChannels);
        Checks.require(baseChannels >= 1, "%s optBaseChannels must be at least 1, got %d", owner, baseChannels);
        Checks.require(multipliers != null && multipliers.length >= 1 && multipliers.length <= 16,
                "%s optChannelMultipliers needs 1 to 16 levels, e.g. (1, 2, 2), got %s", owner, describe(multipliers));
        Checks.require(groups >= 1, "%s optGroups must be at least 1, got %d", owner, groups);
        for (int m : multipliers) {
            Checks.require(m >= 1, "%s optChannelMultipliers must all be at least 1, got %s", owner, describe(multipliers));
            Checks.require((baseChannels * m) % groups == 0,
                    "%s uses GroupNorm with %d groups, which must divide every level's channels, but base %d x multiplier %d = %d; "
                            + "set optGroups to a divisor of %d",
                    owner, groups, baseChannels, m, baseChannels * m, baseChannels);
        }
        Checks.require(residualBlocks >= 1, "%s optResidualBlocks must be at least 1, got %d", owner, residualBlocks);
        Checks.require(dropout >= 0 && dropout < 1, "%s optDropout must be in [0, 1), got %s", owner, dropout);
    }

    static String describe(int[] values) {
        if (values == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(values[i]);
        }
        return sb.append(')').toString();
    }
}
