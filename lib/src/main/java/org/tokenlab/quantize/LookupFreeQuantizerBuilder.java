package org.tokenlab.quantize;

import org.tokenlab.internal.Checks;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;

/**
 * Builds a {@link LookupFreeQuantizer}: {@code setCodebookSize} or {@code setCodeDimension} is
 * required, the {@code opt} values have the defaults below, and everything is checked in
 * {@link #build()}.
 */
public final class LookupFreeQuantizerBuilder {

    private static final String NAME = "LookupFreeQuantizer";
    private static final int MAX_BITS = 62; // 2^62 is the largest power of two in a long

    private long codebookSize;
    private int codeDimension;
    int dimension;
    double commitmentWeight = 0.25;
    double entropyWeight = 0.1;
    private boolean entropyWeightSet;
    EntropyAnnealing annealing;
    double temperature = 0.01;
    double diversityWeight = 1.0;
    private EntropyMode mode = EntropyMode.AUTO;
    private Integer groupBits;
    private int exactLimitBits = 12;

    LookupFreeQuantizerBuilder() {}

    /** The number of codes {@code K = 2^d}, a power of two from 2 to 2^62. */
    public LookupFreeQuantizerBuilder setCodebookSize(long codebookSize) {
        this.codebookSize = codebookSize;
        return this;
    }

    /** The code dimension {@code d} (bits per token), from 1 to 62; the codebook size is {@code 2^d}. */
    public LookupFreeQuantizerBuilder setCodeDimension(int codeDimension) {
        this.codeDimension = codeDimension;
        return this;
    }

    /** Weight of {@code mean((z - sg(q))^2)}; default 0.25. */
    public LookupFreeQuantizerBuilder optCommitmentWeight(double weight) {
        this.commitmentWeight = weight;
        return this;
    }

    /** Constant weight of the entropy loss; default 0.1; 0 skips the entropy computation. */
    public LookupFreeQuantizerBuilder optEntropyWeight(double weight) {
        this.entropyWeight = weight;
        this.entropyWeightSet = true;
        return this;
    }

    /** A schedule for the entropy weight by training step, instead of a constant weight. */
    public LookupFreeQuantizerBuilder optEntropyAnnealing(EntropyAnnealing annealing) {
        this.annealing = annealing;
        return this;
    }

    /** Temperature of the soft assignment {@code softmax(2 z.c / temperature)}; default 0.01. */
    public LookupFreeQuantizerBuilder optTemperature(double temperature) {
        this.temperature = temperature;
        return this;
    }

    /** Gamma, the weight of the batch-entropy term inside the entropy loss; default 1.0. */
    public LookupFreeQuantizerBuilder optDiversityWeight(double weight) {
        this.diversityWeight = weight;
        return this;
    }

    /** How the batch entropy is computed; default {@link EntropyMode#AUTO}. */
    public LookupFreeQuantizerBuilder optEntropyMode(EntropyMode mode) {
        this.mode = mode;
        return this;
    }

    /**
     * Bits per group in {@link EntropyMode#SUBGROUPS} mode (the last group takes what is left); by
     * default the fewest equal groups of at most {@code exactLimitBits} bits, e.g. 2 x 9 for d = 18.
     */
    public LookupFreeQuantizerBuilder optGroupBits(int groupBits) {
        this.groupBits = groupBits;
        return this;
    }

    /** The largest code dimension (or group) whose 2^d codes are enumerated exactly; default 12. */
    public LookupFreeQuantizerBuilder optExactLimitBits(int bits) {
        this.exactLimitBits = bits;
        return this;
    }

    /** Checks every value and builds the quantizer. */
    public LookupFreeQuantizer build() {
        dimension = resolveDimension();
        requireWeight(commitmentWeight, "commitment weight");
        requireWeight(entropyWeight, "entropy weight");
        requireWeight(diversityWeight, "diversity weight");
        Checks.require(!(entropyWeightSet && annealing != null), "%s takes optEntropyWeight or "
                + "optEntropyAnnealing, not both; the annealing sets the weight at every step", NAME);
        Checks.require(Double.isFinite(temperature) && temperature > 0, "%s temperature must be positive and "
                + "finite, got %s; MAGVIT-v2 uses 0.01", NAME, temperature);
        Checks.notNull(mode, "entropy mode");
        Checks.require(exactLimitBits >= 1 && exactLimitBits <= 24, "%s exact limit bits must be from 1 to 24, "
                + "got %d; an exact table has 2^bits codes", NAME, exactLimitBits);
        EntropyMode resolved = mode == EntropyMode.AUTO
                ? (dimension <= exactLimitBits ? EntropyMode.EXACT : EntropyMode.SUBGROUPS) : mode;
        Checks.require(resolved != EntropyMode.EXACT || dimension <= exactLimitBits, "%s EXACT entropy enumerates "
                + "2^%d codes but exact limit bits is %d; use SUBGROUPS or AUTO, or optExactLimitBits(%d)",
                NAME, dimension, exactLimitBits, dimension);
        Checks.require(mode != EntropyMode.EXACT || groupBits == null, "%s optGroupBits(%s) is for SUBGROUPS or "
                + "AUTO mode, not EXACT; remove it or change the mode", NAME, groupBits);
        return new LookupFreeQuantizer(this, resolved, resolved == EntropyMode.EXACT ? dimension : resolveGroupBits());
    }

    private int resolveDimension() {
        Checks.require(codebookSize != 0 || codeDimension != 0, "%s needs setCodebookSize(2^d) or "
                + "setCodeDimension(d), e.g. setCodebookSize(262144) for d = 18", NAME);
        if (codebookSize != 0) {
            Checks.require(codebookSize >= 2 && Long.bitCount(codebookSize) == 1, "%s codebook size must be a "
                    + "power of two 2^d from 2 to 2^62, got %d; %s", NAME, codebookSize, nearest(codebookSize));
        }
        if (codeDimension != 0 || codebookSize == 0) {
            Checks.require(codeDimension >= 1 && codeDimension <= MAX_BITS, "%s code dimension must be from 1 "
                    + "to %d, got %d", NAME, MAX_BITS, codeDimension);
        }
        int fromSize = codebookSize == 0 ? codeDimension : Long.numberOfTrailingZeros(codebookSize);
        Checks.require(codeDimension == 0 || codeDimension == fromSize, "%s codebook size %d is 2^%d but code "
                + "dimension is %d; set only one of them", NAME, codebookSize, fromSize, codeDimension);
        return fromSize;
    }

    private int resolveGroupBits() {
        if (groupBits == null) {
            int groups = (dimension + exactLimitBits - 1) / exactLimitBits;
            return (dimension + groups - 1) / groups;
        }
        Checks.require(groupBits >= 1 && groupBits <= Math.min(dimension, exactLimitBits), "%s group bits must "
                + "be from 1 to %d (the code dimension %d and exact limit bits %d), got %d", NAME,
                Math.min(dimension, exactLimitBits), dimension, exactLimitBits, groupBits);
        return groupBits;
    }

    private static String nearest(long size) {
        if (size < 2) {
            return "the smallest is 2 (d = 1)";
        }
        int low = 63 - Long.numberOfLeadingZeros(size);
        if (low >= MAX_BITS) {
            return "the largest is " + (1L << MAX_BITS) + " (d = " + MAX_BITS + ")";
        }
        return String.format("the nearest are %d (d = %d) and %d (d = %d)", 1L << low, low, 1L << (low + 1), low + 1);
    }

    private static void requireWeight(double weight, String name) {
        Checks.require(Double.isFinite(weight) && weight >= 0, "%s %s must be finite and at least 0, got %s",
                NAME, name, weight);
    }
}
