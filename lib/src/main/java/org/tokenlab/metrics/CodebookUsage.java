package org.tokenlab.metrics;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * How a batch of tokens uses a codebook: which codes occur and how evenly. Computed from the ids
 * alone (sorted on the host, O(N log N) for N tokens), so it is cheap enough for every training step
 * and works for any codebook size, 2^18 codes and beyond, without a table of all codes.
 *
 * <ul>
 *   <li>{@link #usage()}: the fraction of the codebook's codes that occur at least once;</li>
 *   <li>{@link #entropy()}: entropy of the empirical code distribution, in nats;</li>
 *   <li>{@link #perplexity()}: {@code exp(entropy)}, the number of equally likely codes that would
 *       give the same entropy (1 when one code is used, K when all K are used equally).</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> CodebookUsage.of(output.indices(), 1024).perplexity()
 * }</pre>
 */
public final class CodebookUsage {

    private final long codebookSize;
    private final long tokens;
    private final long[] codes;   // distinct ids in increasing order
    private final long[] counts;  // occurrences of codes[i]

    private CodebookUsage(long codebookSize, long tokens, long[] codes, long[] counts) {
        this.codebookSize = codebookSize;
        this.tokens = tokens;
        this.codes = codes;
        this.counts = counts;
    }

    /** Usage of a codebook of {@code codebookSize} codes by the ids in {@code indices} (any shape). */
    public static CodebookUsage of(NDArray indices, long codebookSize) {
        Checks.notNull(indices, "indices");
        Checks.require(indices.getDataType().isInteger(), "CodebookUsage expects integer ids, got %s", indices.getDataType());
        return of(HostValues.longs(indices), codebookSize);
    }

    /** Usage from ids already on the host. */
    public static CodebookUsage of(long[] ids, long codebookSize) {
        Checks.require(codebookSize >= 1, "codebookSize must be at least 1, got %d", codebookSize);
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        Checks.require(sorted.length == 0 || sorted[0] >= 0 && sorted[sorted.length - 1] < codebookSize,
                "CodebookUsage expects ids in [0, %d), got ids from %d to %d", codebookSize,
                sorted.length == 0 ? 0 : sorted[0], sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        long[] codes = new long[sorted.length];
        long[] counts = new long[sorted.length];
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || codes[distinct - 1] != sorted[i]) {
                codes[distinct++] = sorted[i];
            }
            counts[distinct - 1]++;
        }
        return new CodebookUsage(codebookSize, sorted.length, Arrays.copyOf(codes, distinct), Arrays.copyOf(counts, distinct));
    }

    public long codebookSize() {
        return codebookSize;
    }

    /** How many tokens were counted. */
    public long tokens() {
        return tokens;
    }

    /** How many distinct codes occur. */
    public long usedCodes() {
        return codes.length;
    }

    /** Fraction of the codebook in use, in [0, 1]. */
    public double usage() {
        return (double) codes.length / codebookSize;
    }

    /** Entropy of the code distribution in nats (0 for no tokens). */
    public double entropy() {
        double h = 0;
        for (long c : counts) {
            double p = (double) c / tokens;
            h -= p * Math.log(p);
        }
        return h;
    }

    /** {@code exp(entropy())}: between 1 and the number of used codes. */
    public double perplexity() {
        return Math.exp(entropy());
    }

    /** Occurrences of code {@code id} (0 when unused). */
    public long count(long id) {
        int i = Arrays.binarySearch(codes, id);
        return i >= 0 ? counts[i] : 0;
    }

    /**
     * The used codes as a table {@code code, count, fraction}, most used first (ties by code), at
     * most {@code limit} rows.
     */
    public Table countsTable(int limit) {
        Checks.positive(limit, "limit");
        Integer[] order = new Integer[codes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Long.compare(codes[a], codes[b]));
        int rows = Math.min(limit, order.length);
        LongColumn code = LongColumn.create("code");
        IntColumn count = IntColumn.create("count");
        DoubleColumn fraction = DoubleColumn.create("fraction");
        for (int r = 0; r < rows; r++) {
            int i = order[r];
            code.append(codes[i]);
            count.append((int) Math.min(Integer.MAX_VALUE, counts[i]));
            fraction.append((double) counts[i] / tokens);
        }
        return Table.create("code counts", code, count, fraction);
    }

    /**
     * Every code of the codebook ranked by use, unused codes included: a table {@code rank, code,
     * count} with rank 1 the most used (ties by code). Charted as count against rank it shows at a
     * glance how evenly the vocabulary is used and where the dead codes start.
     */
    public Table rankTable() {
        Checks.require(codebookSize <= Integer.MAX_VALUE / 2, "rankTable lists every code; a codebook of %d codes is "
                + "too large, use countsTable(limit)", codebookSize);
        Table used = countsTable(Math.max(1, codes.length));
        IntColumn rank = IntColumn.create("rank");
        LongColumn code = LongColumn.create("code");
        IntColumn count = IntColumn.create("count");
        boolean[] seen = new boolean[(int) codebookSize];
        for (int r = 0; r < codes.length; r++) {
            long id = used.longColumn("code").getLong(r);
            seen[(int) id] = true;
            rank.append(r + 1);
            code.append(id);
            count.append(used.intColumn("count").getInt(r));
        }
        for (int id = 0; id < codebookSize; id++) {
            if (!seen[id]) {
                rank.append(rank.size() + 1);
                code.append(id);
                count.append(0);
            }
        }
        return Table.create("codes ranked by use", rank, code, count);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "CodebookUsage: %d of %d codes used (%.1f%%), perplexity %.1f over %d tokens",
                codes.length, codebookSize, 100 * usage(), perplexity(), tokens);
    }
}
