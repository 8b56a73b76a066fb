package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;

/**
 * Token factorization for large lookup-free codebooks (MAGVIT-v2, Yu et al. 2024, arXiv 2310.05737,
 * section 3.1; Open-MAGVIT2's "asymmetric token factorization", Luo et al. 2024, arXiv 2409.04410):
 * a {@code d}-bit id is split into {@code k} sub-tokens of {@code b_1 + ... + b_k = d} bits, so a
 * generator over {@code 2^18} codes predicts two 512-way distributions ({@code 9 + 9}) or a 64- and a
 * 4096-way one ({@code 6 + 12}) instead of one 262,144-way softmax.
 *
 * <p><b>Which bits go where.</b> {@link org.tokenlab.quantize.LookupFreeQuantizer} spells an id from
 * its sign bits with the first latent channel as the lowest bit ({@code z = [-0.3, 0.1]} has id 2).
 * Part 0 takes the lowest {@code b_1} bits, part 1 the next {@code b_2}, and so on:
 * <pre>
 *   offset_j = b_1 + ... + b_(j-1)                          (offset_1 = 0)
 *   part_j   = (id &gt;&gt; offset_j) &amp; (2^b_j - 1)            the channels offset_j .. offset_j + b_j - 1
 *   id       = sum_j part_j &lt;&lt; offset_j
 * </pre>
 * so a sub-token is the LFQ id of one group of consecutive latent channels quantized alone, as
 * Open-MAGVIT2's quantizer computes its "pre" (first channels) and "post" ids.
 *
 * <p><b>Logits.</b> A factorized model's head gives the parts' logits side by side on the last axis,
 * {@code (..., W)} with {@code W = 2^b_1 + ... + 2^b_k} ({@link #logitsWidth()}), part {@code j} at
 * columns {@link #logitsOffset(int) logitsOffset(j)} onwards; {@link #partLogits} cuts them apart.
 * Each part is one linear head over the same hidden state: the parts are predicted independently
 * given the context, {@code p(id) = prod_j p_j(part_j)}.
 *
 * <p>It lives beside the token models because it lays out their vocabulary: the quantizer gives
 * whole ids and never needs to know how a generator splits them.
 *
 * <pre>{@code
 * jshell> var factors = TokenFactorization.of(9, 9);
 * jshell> factors.split(manager.create(new long[] {262143, 513})).toLongArray()
 * $2 ==> long[4] { 511, 511, 1, 1 }
 * jshell> factors.logitsWidth()
 * $3 ==> 1024
 * }</pre>
 */
public final class TokenFactorization {

    /** The widest part: a {@code 2^16 = 65,536}-way softmax is as large as a factorized head should get. */
    public static final int MAX_PART_BITS = 16;

    /** The most bits in all, as LFQ's code dimension (ids are int64). */
    public static final int MAX_TOTAL_BITS = 62;

    private final int[] bits;
    private final int[] offsets;        // bit offsets
    private final int[] logitsOffsets;  // column offsets in the side-by-side logits
    private final int totalBits;
    private final int logitsWidth;

    private TokenFactorization(int[] bits) {
        this.bits = bits.clone();
        this.offsets = new int[bits.length];
        this.logitsOffsets = new int[bits.length];
        int bit = 0;
        int column = 0;
        for (int j = 0; j < bits.length; j++) {
            offsets[j] = bit;
            logitsOffsets[j] = column;
            bit += bits[j];
            column += 1 << bits[j];
        }
        this.totalBits = bit;
        this.logitsWidth = column;
    }

    /**
     * Parts of the given widths, lowest bits first, e.g. {@code of(9, 9)} or {@code of(6, 12)} for
     * 18-bit ids.
     *
     * @throws IllegalArgumentException for no parts, a part of fewer than 1 or more than
     *     {@value #MAX_PART_BITS} bits, or more than {@value #MAX_TOTAL_BITS} bits in all
     */
    public static TokenFactorization of(int... bits) {
        Checks.require(bits != null && bits.length >= 1,
                "TokenFactorization needs the bits of each part, e.g. of(9, 9) for 18-bit ids, got none");
        for (int j = 0; j < bits.length; j++) {
            Checks.require(bits[j] >= 1 && bits[j] <= MAX_PART_BITS,
                    "TokenFactorization part %d has %d bits, but a part must have 1 to %d bits (a softmax of at most %d); "
                            + "split it further, e.g. of(9, 9) for 18 bits",
                    j, bits[j], MAX_PART_BITS, 1 << MAX_PART_BITS);
        }
        long total = Arrays.stream(bits).asLongStream().sum();
        Checks.require(total <= MAX_TOTAL_BITS, "TokenFactorization parts %s have %d bits in all, more than the %d an int64 id holds",
                Arrays.toString(bits), total, MAX_TOTAL_BITS);
        return new TokenFactorization(bits);
    }

    /**
     * Parts of the given widths for a codebook of {@code codebookSize = 2^d} ids, e.g. an LFQ's
     * {@code forCodebook(lfq.codebookSize(), 6, 12)}.
     *
     * @throws IllegalArgumentException also when the size is not a power of two or the parts do
     *     not add up to {@code d}
     */
    public static TokenFactorization forCodebook(long codebookSize, int... bits) {
        Checks.require(codebookSize >= 2 && Long.bitCount(codebookSize) == 1,
                "TokenFactorization needs a codebook of 2^d ids (an LFQ's), got %d", codebookSize);
        TokenFactorization f = of(bits);
        int d = Long.numberOfTrailingZeros(codebookSize);
        Checks.require(f.totalBits == d,
                "TokenFactorization parts %s add up to %d bits, but a codebook of %d ids has d = %d bits; "
                        + "give parts that sum to %d, e.g. (%d, %d)",
                Arrays.toString(bits), f.totalBits, codebookSize, d, d, d / 2, d - d / 2);
        return f;
    }

    /**
     * The sub-tokens {@code (..., k)} int64 of {@code ids (...)} (int64 or int32, any shape), part
     * {@code j} at index {@code j} of the last axis. Owned by the ids' manager.
     *
     * @throws IllegalArgumentException for non-integer ids or ids outside {@code [0, 2^d)}
     */
    public NDArray split(NDArray ids) {
        Checks.notNull(ids, "ids");
        Checks.require(ids.getDataType().isInteger(),
                "TokenFactorization.split expects integer ids, got %s; convert with ids.toType(DataType.INT64, false)", ids.getDataType());
        long[] values = HostValues.longs(ids);
        long[] parts = new long[values.length * bits.length];
        for (int i = 0; i < values.length; i++) {
            checkId(values[i], i);
            for (int j = 0; j < bits.length; j++) {
                parts[i * bits.length + j] = part(values[i], j);
            }
        }
        return ids.getManager().create(parts, ids.getShape().addAll(new Shape(bits.length)));
    }

    /**
     * The ids {@code (...)} int64 of sub-tokens {@code (..., k)} (int64 or int32), the inverse of
     * {@link #split(NDArray)}. Owned by the parts' manager.
     *
     * @throws IllegalArgumentException for a last axis other than {@code k}, or a part outside
     *     {@code [0, 2^b_j)}
     */
    public NDArray join(NDArray parts) {
        Checks.notNull(parts, "parts");
        Shape s = parts.getShape();
        Checks.require(s.dimension() >= 1 && s.get(s.dimension() - 1) == bits.length && parts.getDataType().isInteger(),
                "TokenFactorization.join expects integer sub-tokens (..., %d) for parts %s, got %s %s",
                bits.length, this, parts.getDataType(), Checks.describe(s));
        long[] values = HostValues.longs(parts);
        long[] ids = new long[values.length / bits.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = join(Arrays.copyOfRange(values, i * bits.length, (i + 1) * bits.length));
        }
        return parts.getManager().create(ids, s.slice(0, s.dimension() - 1));
    }

    /** The sub-tokens of one id, part 0 first. */
    public long[] split(long id) {
        checkId(id, -1);
        long[] parts = new long[bits.length];
        for (int j = 0; j < bits.length; j++) {
            parts[j] = part(id, j);
        }
        return parts;
    }

    /** The id of one token's sub-tokens, part 0 first. */
    public long join(long... parts) {
        Checks.require(parts != null && parts.length == bits.length,
                "TokenFactorization %s joins %d sub-tokens, got %s", this, bits.length, Arrays.toString(parts));
        long id = 0;
        for (int j = 0; j < bits.length; j++) {
            Checks.require(parts[j] >= 0 && parts[j] < partSize(j),
                    "sub-token %d of %s must be in [0, %d) (%d bits), got %d", j, this, partSize(j), bits[j], parts[j]);
            id |= parts[j] << offsets[j];
        }
        return id;
    }

    /**
     * The parts' logits, each {@code (..., 2^b_j)}, of side-by-side logits {@code (..., W)}: views
     * owned by the logits' manager that carry their gradient.
     *
     * @throws IllegalArgumentException when the last axis is not {@link #logitsWidth()}
     */
    public List<NDArray> partLogits(NDArray logits) {
        checkLogits(logits, "TokenFactorization.partLogits");
        List<NDArray> out = new ArrayList<>(bits.length);
        for (int j = 0; j < bits.length; j++) {
            out.add(logits.get(new NDIndex("..., {}:{}", logitsOffsets[j], logitsOffsets[j] + partSize(j))));
        }
        return out;
    }

    /** Number of parts {@code k}. */
    public int parts() {
        return bits.length;
    }

    /** Bits of part {@code j}. */
    public int bits(int part) {
        return bits[checkPart(part)];
    }

    /** Bits of each part, part 0 first. */
    public int[] bits() {
        return bits.clone();
    }

    /** Bits in all, {@code d}: the LFQ code dimension. */
    public int totalBits() {
        return totalBits;
    }

    /** Ids in all, {@code 2^d}. */
    public long codebookSize() {
        return 1L << totalBits;
    }

    /** Sub-tokens of part {@code j}: {@code 2^b_j}. */
    public int partSize(int part) {
        return 1 << bits[checkPart(part)];
    }

    /** The lowest bit of part {@code j}, which is also its first LFQ channel. */
    public int bitOffset(int part) {
        return offsets[checkPart(part)];
    }

    /** Logits of all parts side by side, {@code W = sum_j 2^b_j}: 1024 for {@code 9 + 9}, 4160 for {@code 6 + 12}. */
    public int logitsWidth() {
        return logitsWidth;
    }

    /** The first column of part {@code j}'s logits: {@code 2^b_1 + ... + 2^b_(j-1)}. */
    public int logitsOffset(int part) {
        return logitsOffsets[checkPart(part)];
    }

    /** Fails unless {@code logits} is floating point with a last axis of {@link #logitsWidth()}. */
    void checkLogits(NDArray logits, String what) {
        Checks.notNull(logits, what + " logits");
        Shape s = logits.getShape();
        Checks.require(s.dimension() >= 1 && s.get(s.dimension() - 1) == logitsWidth && logits.getDataType().isFloating(),
                "%s expects float logits (..., %d), the %s parts' logits side by side, got %s %s; "
                        + "pass a model built with optFactorization(%s)",
                what, logitsWidth, this, logits.getDataType(), Checks.describe(s), this);
    }

    /** Part {@code j} of an id known to be in range. */
    long part(long id, int j) {
        return (id >>> offsets[j]) & ((1L << bits[j]) - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenFactorization f && Arrays.equals(bits, f.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    /** E.g. {@code 6 + 12 bits}. */
    @Override
    public String toString() {
        return Arrays.stream(bits).mapToObj(String::valueOf).collect(Collectors.joining(" + ")) + " bits";
    }

    private void checkId(long id, int at) {
        Checks.require(id >= 0 && id < codebookSize(),
                "TokenFactorization %s splits ids in [0, %d) (%d bits), got %d%s; "
                        + "special tokens ([MASK], classes) are not codes and cannot be split",
                this, codebookSize(), totalBits, id, at < 0 ? "" : " at flat index " + at);
    }

    private int checkPart(int part) {
        Checks.require(part >= 0 && part < bits.length, "part must be in [0, %d) for %s, got %d", bits.length, this, part);
        return part;
    }
}
