package org.tokenlab.metrics;

import ai.djl.ndarray.NDArray;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * For lookup-free quantization: the fraction of tokens whose bit {@code i} is 1, per bit (bit 0 is
 * the lowest, i.e. the first code dimension). A healthy LFQ code has every bit near 0.5; a bit stuck
 * at 0 or 1 halves the usable codebook.
 */
public final class BitBalance {

    private final double[] ones;

    private BitBalance(double[] ones) {
        this.ones = ones;
    }

    /** Bit balance of LFQ ids with {@code bits} bits (codebook size 2^bits). */
    public static BitBalance of(NDArray indices, int bits) {
        Checks.notNull(indices, "indices");
        Checks.require(bits >= 1 && bits <= 62, "bits must be in [1, 62], got %d", bits);
        long[] ids = HostValues.longs(indices);
        long[] counts = new long[bits];
        for (long id : ids) {
            Checks.require(id >= 0 && id < (1L << bits), "BitBalance expects ids in [0, 2^%d), got %d", bits, id);
            for (int b = 0; b < bits; b++) {
                counts[b] += (id >>> b) & 1;
            }
        }
        double[] ones = new double[bits];
        for (int b = 0; b < bits; b++) {
            ones[b] = ids.length == 0 ? 0 : (double) counts[b] / ids.length;
        }
        return new BitBalance(ones);
    }

    /** Fraction of ones per bit, bit 0 first. */
    public double[] onesFraction() {
        return ones.clone();
    }

    /** The largest distance of any bit's fraction from 0.5 (0 is perfectly balanced, 0.5 a stuck bit). */
    public double worstImbalance() {
        double worst = 0;
        for (double f : ones) {
            worst = Math.max(worst, Math.abs(f - 0.5));
        }
        return worst;
    }

    /** The fractions as a table {@code bit, ones}. */
    public Table table() {
        IntColumn bit = IntColumn.create("bit");
        DoubleColumn frac = DoubleColumn.create("ones");
        for (int b = 0; b < ones.length; b++) {
            bit.append(b);
            frac.append(ones[b]);
        }
        return Table.create("bit balance", bit, frac);
    }
}
