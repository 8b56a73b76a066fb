package org.tokenlab.magvit2;

import java.util.Arrays;
import java.util.Objects;
import org.tokenlab.internal.Checks;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.quantize.EntropyAnnealing;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.VectorQuantizer;

/**
 * The plan of a {@link Magvit2Tokenizer}, MAGVIT-v2's causal 3D LFQ tokenizer (Yu et al., "Language
 * Model Beats Diffusion: Tokenizer is Key to Visual Generation", arXiv 2310.05737): the widths of the
 * levels, which down-sampling steps also down-sample time, the latent bits {@code d} (the encoder's
 * last convolution maps to {@code d} channels, each quantized to its sign, so the vocabulary is
 * {@code 2^d}) and the LFQ losses. A clip of {@code T = 1 + s*k} frames {@code (B, C, T, H, W)}
 * becomes {@code 1 + k} latent frames of {@code (H/f) x (W/f)} tokens, with
 * {@code f = 2^(levels - 1)} and {@code s = 2^(steps that down-sample time)}; an image is a clip of
 * one frame.
 *
 * <pre>{@code
 * jshell> Magvit2Config cpu = Magvit2Config.cpu();                 // 9x32x32 clips -> 3x8x8 tokens of 12 bits
 * jshell> Magvit2Config mine = Magvit2Config.builder().setImageChannels(3).optLatentBits(14)
 *    ...>     .optEntropyAnnealing(EntropyAnnealing.cosine(0.3, 0.1, 2_000)).build();
 * }</pre>
 *
 * <p>{@code optQuantizer(QuantizerKind.VECTOR)} swaps LFQ for a VQ codebook of {@code 2^d} codes of
 * {@code d} values: encoder, decoder (whose adaptive norms read the quantized latents, {@code d}
 * channels either way), token grid and vocabulary stay the same, so the two tokenizers differ only in
 * how a latent becomes an id, as in the paper's Figure 1. The VQ adds {@code 2^d * d} codebook
 * parameters; the entropy settings are LFQ's and must stay off.
 *
 * <p>Where the presets differ from the paper: the paper's video tokenizer for 17x128x128 clips uses
 * 128 base channels, multipliers (1, 2, 2, 4) and four residual blocks per level, time down-sampled
 * twice to a 5x16x16 grid of 18-bit tokens; {@link #gpu()} keeps the 17-frame, 18-bit, 5x16x16 shape
 * for 64x64 frames with three levels and two residual blocks, and the smaller presets shrink every
 * width to train on two cores.
 *
 * <p><b>Commitment weight at small scale.</b> The presets keep the paper's commitment weight 0.25.
 * Measured on MNIST 32x32 with widths 8, 16, 16 and Adam at 1e-3 to 3e-3, 150 steps: with 0.25
 * several seeds collapsed within 25 steps, with every bit taking one sign in every token and the
 * decoder drawing the mean digit (11 dB). With 0.05, 0.02 or 0 no run collapsed, and held-out PSNR
 * was 16.5 to 18.2 dB. Our reading: while the latents are near zero, {@code (z - sign z)^2} pushes
 * each one outward on its own side; the bias of the last convolution sums those pushes and drifts
 * towards each bit's majority sign. At temperature 0.01, the entropy loss that should hold bits
 * balanced has no gradient a few hundredths from zero. Notebook 06 trains its sweep with 0.05 for this reason.
 *
 * @param imageChannels 1 for digits, 3 for RGB
 * @param baseChannels width of the first level
 * @param channelMultipliers width multiplier per level; {@code n} multipliers down-sample H and W {@code n - 1} times
 * @param temporalDownsampling one flag per down-sampling step ({@code n - 1}), true where the step also halves time
 * @param residualBlocks causal residual blocks per level (the middle of encoder and decoder has as many)
 * @param groups GroupNorm groups (must divide every width)
 * @param latentBits {@code d}: latent channels, bits per token; the vocabulary is {@code 2^d}
 * @param commitmentWeight weight of {@code mean((z - sg(q))^2)} (MAGVIT-v2: 0.25)
 * @param entropyWeight weight of the LFQ entropy loss; with annealing, the weight it ends at
 * @param entropyAnnealing the entropy weight by training step, or null for the constant {@code entropyWeight}
 * @param entropyMode how the batch entropy is computed: over all {@code 2^d} codes or sub-groups of bits
 * @param entropyGroupBits bits per sub-group ({@code 0}: the quantizer's default, the fewest equal groups of at most 12)
 * @param timePadding what the past frames before the first one hold: {@link PaddingMode#REPLICATE} or ZEROS
 * @param spatialPadding what the border of height and width holds (any {@link PaddingMode})
 * @param quantizerKind {@link QuantizerKind#LOOKUP_FREE} (MAGVIT-v2) or {@link QuantizerKind#VECTOR}, a
 *     VQ baseline of the same architecture: {@code 2^d} learned codes of {@code d} values; the entropy
 *     settings are LFQ's and must stay off for VQ
 * @param codebookSeed the seed of the VQ codebook's initialization (VQ only; LFQ has no codebook and needs 0)
 */
public record Magvit2Config(int imageChannels, int baseChannels, int[] channelMultipliers,
        boolean[] temporalDownsampling, int residualBlocks, int groups, int latentBits, double commitmentWeight,
        double entropyWeight, EntropyAnnealing entropyAnnealing, EntropyMode entropyMode, int entropyGroupBits,
        PaddingMode timePadding, PaddingMode spatialPadding, QuantizerKind quantizerKind, long codebookSeed) {

    /** The most bits an exact batch entropy enumerates: its table has {@code 2^d} values per group. */
    public static final int EXACT_ENTROPY_MAX_BITS = 24;
    /** The most bytes the batch entropy's tables may take in one training step before it is refused. */
    public static final long ENTROPY_MEMORY_BYTES = 2L << 30;
    /** Token ids are int64 and LFQ holds at most 62 bits. */
    private static final int MAX_BITS = 62;
    /** The most latent channels a VQ codebook of {@code 2^d} codes may have: 65536 codes, a distance per code and token. */
    public static final int VECTOR_MAX_BITS = 16;

    public Magvit2Config {
        Checks.require(imageChannels >= 1, "Magvit2Config needs setImageChannels(c) with c >= 1, got %d; 1 for digits, "
                + "3 for RGB", imageChannels);
        Checks.require(baseChannels >= 1, "Magvit2Config baseChannels must be at least 1, got %d", baseChannels);
        Checks.require(channelMultipliers != null && channelMultipliers.length >= 1
                        && Arrays.stream(channelMultipliers).allMatch(m -> m >= 1),
                "Magvit2Config needs one channel multiplier (1 or more) per level, got %s; e.g. (1, 2, 2) for two "
                        + "down-sampling steps", channelMultipliers == null ? "null" : Arrays.toString(channelMultipliers));
        channelMultipliers = channelMultipliers.clone();
        Checks.require(temporalDownsampling != null && temporalDownsampling.length == channelMultipliers.length - 1,
                "Magvit2Config temporalDownsampling needs one flag per down-sampling step (%d for %d channel "
                        + "multipliers), got %s; e.g. (true, true) takes 17 frames to 5 with multipliers (1, 2, 2)",
                channelMultipliers.length - 1, channelMultipliers.length,
                temporalDownsampling == null ? "null" : Arrays.toString(temporalDownsampling));
        temporalDownsampling = temporalDownsampling.clone();
        Checks.require(residualBlocks >= 1, "Magvit2Config residualBlocks must be at least 1, got %d", residualBlocks);
        for (int m : channelMultipliers) {
            Checks.require(groups >= 1 && baseChannels * m % groups == 0, "Magvit2Config needs every width "
                    + "(baseChannels * multiplier: %s) to be a multiple of groups = %d; change optGroups or "
                    + "optBaseChannels", widths(baseChannels, channelMultipliers), groups);
        }
        Checks.require(latentBits >= 1 && latentBits <= MAX_BITS, "Magvit2Config latentBits d must be from 1 to %d "
                + "(the encoder's last convolution maps to d channels and the ids, int64, hold d bits), got %d; "
                + "MAGVIT-v2 uses 18 (262144 codes)", MAX_BITS, latentBits);
        requireWeight(commitmentWeight, "commitmentWeight", "MAGVIT-v2 uses 0.25");
        requireWeight(entropyWeight, "entropyWeight", "0.1 is usual, 0 turns the entropy loss off");
        Checks.require(entropyAnnealing == null || entropyAnnealing.endWeight() == entropyWeight, "Magvit2Config "
                + "entropyWeight %s must be the annealing's end weight %s; set one of optEntropyWeight and "
                + "optEntropyAnnealing", entropyWeight, entropyAnnealing == null ? null : entropyAnnealing.endWeight());
        Checks.require(entropyMode != null, "Magvit2Config entropyMode must not be null; use EntropyMode.AUTO");
        Checks.require(entropyMode != EntropyMode.EXACT || latentBits <= EXACT_ENTROPY_MAX_BITS, "Magvit2Config: the "
                        + "exact batch entropy enumerates all 2^%d codes, a table of %s per step, which does not fit in "
                        + "memory; use sub-groups: optEntropyMode(EntropyMode.SUBGROUPS) (or AUTO) with "
                        + "optEntropyGroupBits(%d), or at most %d latent bits",
                latentBits, bytes(4 * (1L << Math.min(latentBits, 40))), (latentBits + 1) / 2, EXACT_ENTROPY_MAX_BITS);
        Checks.require(entropyGroupBits == 0 || entropyMode != EntropyMode.EXACT, "Magvit2Config "
                + "entropyGroupBits %d is for SUBGROUPS or AUTO, not EXACT; use 0 or change the mode", entropyGroupBits);
        Checks.require(entropyGroupBits >= 0 && entropyGroupBits <= Math.min(latentBits, EXACT_ENTROPY_MAX_BITS),
                "Magvit2Config entropyGroupBits must be 0 (the default groups) or from 1 to %d (d = %d, at most %d), "
                        + "got %d", Math.min(latentBits, EXACT_ENTROPY_MAX_BITS), latentBits, EXACT_ENTROPY_MAX_BITS,
                entropyGroupBits);
        Checks.require(timePadding == PaddingMode.REPLICATE || timePadding == PaddingMode.ZEROS, "Magvit2Config "
                + "timePadding pads the past with the first frame (REPLICATE) or zeros, got %s; REFLECT would copy "
                + "future frames into the past", timePadding);
        Checks.require(spatialPadding != null, "Magvit2Config spatialPadding must not be null; use PaddingMode.ZEROS");
        Checks.require(quantizerKind != null, "Magvit2Config quantizerKind must not be null; use QuantizerKind.LOOKUP_FREE");
        if (quantizerKind == QuantizerKind.VECTOR) {
            Checks.require(latentBits <= VECTOR_MAX_BITS, "Magvit2Config: a VQ codebook of 2^%d codes does not fit a "
                    + "distance table per token; use at most %d latent bits with QuantizerKind.VECTOR", latentBits,
                    VECTOR_MAX_BITS);
            Checks.require(entropyWeight == 0 && entropyAnnealing == null && entropyMode == EntropyMode.AUTO
                    && entropyGroupBits == 0, "Magvit2Config: the entropy settings are LFQ's and do nothing with "
                    + "QuantizerKind.VECTOR (got entropyWeight %s, annealing %s, mode %s, group bits %d); leave them at "
                    + "their defaults", entropyWeight, entropyAnnealing, entropyMode, entropyGroupBits);
        } else {
            Checks.require(codebookSeed == 0, "Magvit2Config codebookSeed seeds a VQ codebook, but LFQ has none (got "
                    + "%d); leave it at 0 or use QuantizerKind.VECTOR", codebookSeed);
            try { // the quantizer checks the remaining combinations once
                lfq(latentBits, commitmentWeight, entropyWeight, entropyAnnealing, entropyMode, entropyGroupBits);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Magvit2Config: " + e.getMessage(), e);
            }
        }
    }

    /** The smallest plan, for tests and smoke runs: widths 8, 16, 16, one residual block, 4 groups, d = 8; 5x16x16 -> 2x4x4. */
    public static Magvit2Config smoke() {
        return builder().setImageChannels(1).optBaseChannels(8).optGroups(4).optLatentBits(8).build();
    }

    /**
     * A plan that trains on two cores: widths 16, 32, 32, one residual block, 8 groups, d = 12 (4096
     * codes, exact batch entropy); 9x32x32 clips become 3x8x8 tokens.
     */
    public static Magvit2Config cpu() {
        return builder().setImageChannels(1).optBaseChannels(16).optGroups(8).optLatentBits(12).build();
    }

    /**
     * MAGVIT-v2's token shape on a GPU: widths 64, 128, 256, two residual blocks, 32 groups, d = 18
     * (262144 codes, batch entropy in two sub-groups of 9 bits); 17x64x64 clips become 5x16x16 tokens.
     */
    public static Magvit2Config gpu() {
        return builder().setImageChannels(1).optBaseChannels(64).optChannelMultipliers(1, 2, 4).optResidualBlocks(2)
                .optGroups(32).optLatentBits(18).build();
    }

    /** The temporal factor {@code s}: {@code 1 + s*k} frames become {@code 1 + k} latent frames. */
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

    /** The width of level {@code level}: {@code baseChannels * channelMultipliers[level]}. */
    public int width(int level) {
        return baseChannels * channelMultipliers[level];
    }

    /** The number of levels (channel multipliers). */
    public int levels() {
        return channelMultipliers.length;
    }

    /**
     * A new quantizer of these settings. {@link QuantizerKind#LOOKUP_FREE}: an LFQ of {@code d} bits,
     * the commitment weight, the entropy weight or its annealing, the entropy mode and group bits (an
     * EXACT mode of more than 12 bits raises the quantizer's exact limit to {@code d}); it counts its
     * own training steps. {@link QuantizerKind#VECTOR}: a {@link VectorQuantizer} of {@code 2^d} codes of
     * dimension {@code d}, beta = the commitment weight, its codebook drawn from {@code codebookSeed}
     * (a block: the tokenizer initializes it).
     */
    public Quantizer quantizer() {
        if (quantizerKind == QuantizerKind.VECTOR) {
            return VectorQuantizer.builder().setCodebookSize(1 << latentBits).setCodeDimension(latentBits)
                    .optBeta(commitmentWeight).optSeed(codebookSeed).build();
        }
        return lfq(latentBits, commitmentWeight, entropyWeight, entropyAnnealing, entropyMode, entropyGroupBits);
    }

    /** The vocabulary, {@code 2^d}, for either quantizer kind. */
    public long vocabulary() {
        return 1L << latentBits;
    }

    private static LookupFreeQuantizer lfq(int bits, double commitment, double entropy, EntropyAnnealing annealing,
            EntropyMode mode, int groupBits) {
        var b = LookupFreeQuantizer.builder().setCodeDimension(bits).optCommitmentWeight(commitment).optEntropyMode(mode);
        if (annealing == null) {
            b.optEntropyWeight(entropy);
        } else {
            b.optEntropyAnnealing(annealing);
        }
        if (mode == EntropyMode.EXACT && bits > 12) {
            b.optExactLimitBits(bits);
        }
        if (groupBits > 0) {
            b.optGroupBits(groupBits).optExactLimitBits(Math.max(12, groupBits));
        }
        return b.build();
    }

    /**
     * About how many bytes the batch entropy's tables take in a training step over {@code tokens}
     * tokens, graph kept for the backward pass: per group of {@code g} bits, three tables of
     * {@code tokens x (2^(g/2) + 2^(g - g/2))} values and three of {@code 2^g}, four bytes each.
     * Zero when the entropy loss is off (always for VQ).
     */
    public long entropyBytes(long tokens) {
        if (quantizerKind == QuantizerKind.VECTOR || entropyWeight == 0 && (entropyAnnealing == null || entropyAnnealing.startWeight() == 0)) {
            return 0;
        }
        int g = ((LookupFreeQuantizer) quantizer()).groupBits();
        long total = 0;
        for (int start = 0; start < latentBits; start += g) {
            int bits = Math.min(g, latentBits - start);
            long halves = (1L << (bits / 2)) + (1L << (bits - bits / 2));
            total += 4 * (3 * tokens * halves + 3 * (1L << bits));
        }
        return total;
    }

    /**
     * A builder that starts from this plan, to change a few settings:
     * {@code Magvit2Config.cpu().toBuilder().optCommitmentWeight(0.05).build()}. A VQ plan's entropy
     * weight is left at the builder's default, so a plan switched to LFQ with {@code optQuantizer} gets
     * LFQ's 0.1.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.imageChannels = imageChannels;
        b.baseChannels = baseChannels;
        b.channelMultipliers = channelMultipliers.clone();
        b.temporalDownsampling = temporalDownsampling.clone();
        b.residualBlocks = residualBlocks;
        b.groups = groups;
        b.latentBits = latentBits;
        b.commitmentWeight = commitmentWeight;
        b.entropyWeight = quantizerKind == QuantizerKind.VECTOR ? null : entropyWeight;
        b.entropyAnnealing = entropyAnnealing;
        b.entropyMode = entropyMode;
        b.entropyGroupBits = entropyGroupBits;
        b.timePadding = timePadding;
        b.spatialPadding = spatialPadding;
        b.quantizerKind = quantizerKind;
        b.codebookSeed = codebookSeed;
        return b;
    }

    /** A builder whose optional settings start at {@link #smoke()}'s values; {@code setImageChannels} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named settings of a {@link Magvit2Config}: {@code setImageChannels} is required, the rest optional. */
    public static final class Builder {
        private int imageChannels;
        private int baseChannels = 8;
        private int[] channelMultipliers = {1, 2, 2};
        private boolean[] temporalDownsampling = {true, true};
        private int residualBlocks = 1;
        private int groups = 4;
        private int latentBits = 8;
        private double commitmentWeight = 0.25;
        private Double entropyWeight; // null: 0.1 for LFQ, 0 for VQ
        private EntropyAnnealing entropyAnnealing;
        private EntropyMode entropyMode = EntropyMode.AUTO;
        private int entropyGroupBits;
        private PaddingMode timePadding = PaddingMode.REPLICATE;
        private PaddingMode spatialPadding = PaddingMode.ZEROS;
        private QuantizerKind quantizerKind = QuantizerKind.LOOKUP_FREE;
        private long codebookSeed;

        private Builder() {}

        /** Channels of the clips: 1 for digits, 3 for RGB. */
        public Builder setImageChannels(int imageChannels) {
            this.imageChannels = imageChannels;
            return this;
        }

        /** Width of the first level (default 8). */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /**
         * Width multiplier per level (default 1, 2, 2). When the number of levels changes, give the
         * temporal flags too: they number one fewer than the multipliers.
         */
        public Builder optChannelMultipliers(int... channelMultipliers) {
            this.channelMultipliers = channelMultipliers == null ? null : channelMultipliers.clone();
            return this;
        }

        /** Which down-sampling steps also halve time (default true, true: 17 frames become 5). */
        public Builder optTemporalDownsampling(boolean... temporalDownsampling) {
            this.temporalDownsampling = temporalDownsampling == null ? null : temporalDownsampling.clone();
            return this;
        }

        /** Causal residual blocks per level (default 1). */
        public Builder optResidualBlocks(int residualBlocks) {
            this.residualBlocks = residualBlocks;
            return this;
        }

        /** GroupNorm groups, which must divide every width (default 4). */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Latent bits {@code d} per token (default 8); the vocabulary is {@code 2^d}. */
        public Builder optLatentBits(int latentBits) {
            this.latentBits = latentBits;
            return this;
        }

        /** Weight of the commitment loss (default 0.25, as MAGVIT-v2). */
        public Builder optCommitmentWeight(double commitmentWeight) {
            this.commitmentWeight = commitmentWeight;
            return this;
        }

        /** A constant entropy-loss weight (default 0.1 for LFQ; VQ has none); replaces an annealing set before. */
        public Builder optEntropyWeight(double entropyWeight) {
            this.entropyWeight = entropyWeight;
            this.entropyAnnealing = null;
            return this;
        }

        /**
         * The entropy weight by training step, e.g. {@code EntropyAnnealing.cosine(0.3, 0.1, 2_000)}:
         * from its start weight at the first training step to its end weight, which becomes
         * {@link Magvit2Config#entropyWeight()}. Replaces a constant weight set before.
         */
        public Builder optEntropyAnnealing(EntropyAnnealing annealing) {
            Checks.notNull(annealing, "entropy annealing (use optEntropyWeight for a constant weight)");
            this.entropyAnnealing = annealing;
            this.entropyWeight = annealing.endWeight();
            return this;
        }

        /** How the batch entropy is computed (default {@link EntropyMode#AUTO}: exact up to 12 bits, else sub-groups). */
        public Builder optEntropyMode(EntropyMode entropyMode) {
            this.entropyMode = entropyMode;
            return this;
        }

        /** Bits per entropy sub-group (default 0: the fewest equal groups of at most 12 bits, 2 x 9 for d = 18). */
        public Builder optEntropyGroupBits(int entropyGroupBits) {
            this.entropyGroupBits = entropyGroupBits;
            return this;
        }

        /** What the frames before the first one hold (default {@link PaddingMode#REPLICATE}, or ZEROS). */
        public Builder optTimePadding(PaddingMode timePadding) {
            this.timePadding = timePadding;
            return this;
        }

        /** What the border of height and width holds (default {@link PaddingMode#ZEROS}). */
        public Builder optSpatialPadding(PaddingMode spatialPadding) {
            this.spatialPadding = spatialPadding;
            return this;
        }

        /**
         * The quantizer (default {@link QuantizerKind#LOOKUP_FREE}); {@link QuantizerKind#VECTOR} gives the
         * VQ baseline of the same architecture and vocabulary, {@code 2^d} codes of {@code d} values.
         */
        public Builder optQuantizer(QuantizerKind quantizerKind) {
            this.quantizerKind = quantizerKind;
            return this;
        }

        /** The seed of the VQ codebook's initialization (default 0; {@link QuantizerKind#VECTOR} only). */
        public Builder optCodebookSeed(long codebookSeed) {
            this.codebookSeed = codebookSeed;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException without {@code setImageChannels}, or for a setting out of
         *     range (the message says what to change)
         */
        public Magvit2Config build() {
            double entropy = entropyWeight != null ? entropyWeight : quantizerKind == QuantizerKind.VECTOR ? 0 : 0.1;
            return new Magvit2Config(imageChannels, baseChannels, channelMultipliers, temporalDownsampling,
                    residualBlocks, groups, latentBits, commitmentWeight, entropy, entropyAnnealing, entropyMode,
                    entropyGroupBits, timePadding, spatialPadding, quantizerKind, codebookSeed);
        }
    }

    private static String widths(int base, int[] multipliers) {
        return Arrays.toString(Arrays.stream(multipliers).map(m -> base * m).toArray());
    }

    private static String bytes(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    /** {@code n} bytes as MiB or GiB, for messages. */
    static String describeBytes(long n) {
        return bytes(n);
    }

    private static void requireWeight(double weight, String name, String hint) {
        Checks.require(Double.isFinite(weight) && weight >= 0, "Magvit2Config %s must be finite and at least 0, got "
                + "%s; %s", name, weight, hint);
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
        return o instanceof Magvit2Config c && c.imageChannels == imageChannels && c.baseChannels == baseChannels
                && Arrays.equals(c.channelMultipliers, channelMultipliers)
                && Arrays.equals(c.temporalDownsampling, temporalDownsampling) && c.residualBlocks == residualBlocks
                && c.groups == groups && c.latentBits == latentBits
                && Double.compare(c.commitmentWeight, commitmentWeight) == 0
                && Double.compare(c.entropyWeight, entropyWeight) == 0
                && Objects.equals(c.entropyAnnealing, entropyAnnealing) && c.entropyMode == entropyMode
                && c.entropyGroupBits == entropyGroupBits && c.timePadding == timePadding
                && c.spatialPadding == spatialPadding && c.quantizerKind == quantizerKind
                && c.codebookSeed == codebookSeed;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(channelMultipliers) + Arrays.hashCode(temporalDownsampling))
                + Objects.hash(imageChannels, baseChannels, residualBlocks, groups, latentBits, commitmentWeight,
                        entropyWeight, entropyAnnealing, entropyMode, entropyGroupBits, timePadding, spatialPadding,
                        quantizerKind, codebookSeed);
    }

    @Override
    public String toString() {
        return "Magvit2Config[imageChannels=" + imageChannels + ", baseChannels=" + baseChannels
                + ", channelMultipliers=" + Arrays.toString(channelMultipliers) + ", temporalDownsampling="
                + Arrays.toString(temporalDownsampling) + ", residualBlocks=" + residualBlocks + ", groups=" + groups
                + ", latentBits=" + latentBits + ", commitmentWeight=" + commitmentWeight + ", entropyWeight="
                + entropyWeight + ", entropyAnnealing=" + entropyAnnealing + ", entropyMode=" + entropyMode
                + ", entropyGroupBits=" + entropyGroupBits + ", timePadding=" + timePadding + ", spatialPadding="
                + spatialPadding + ", quantizerKind=" + quantizerKind + ", codebookSeed=" + codebookSeed + "]";
    }
}
