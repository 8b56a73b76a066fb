package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Random;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.CodeStatistics;
import org.tokenlab.internal.Sampling;

/**
 * What happens to a {@link VectorQuantizer}'s codebook besides gradient steps: the k-means start on
 * the first training batch, the {@link EmaCodebook EMA update} and {@link DeadCodeReplacement
 * dead-code replacement} after each training batch, and codes set by hand. Every write goes in place
 * through a detached view and keeps the EMA statistics in step; in cosine mode written codes are
 * unit vectors.
 */
final class CodebookUpdates {

    private static final NDIndex ALL = new NDIndex(":");

    private final int size;
    private final boolean cosine;
    private final int kMeansIterations;
    private final Random random;
    private final EmaCodebook ema; // null without EMA
    private final DeadCodeReplacement deadCodes; // null without dead-code replacement
    private boolean kMeansPending;

    CodebookUpdates(int size, boolean cosine, int kMeansIterations, Random random, EmaCodebook ema,
            DeadCodeReplacement deadCodes) {
        this.size = size;
        this.cosine = cosine;
        this.kMeansIterations = kMeansIterations;
        this.random = random;
        this.ema = ema;
        this.deadCodes = deadCodes;
    }

    /** The EMA statistics to register as block parameters; empty without EMA. */
    List<Parameter> parameters() {
        return ema == null ? List.of() : List.of(ema.countParameter(), ema.sumParameter());
    }

    boolean usesEma() {
        return ema != null;
    }

    /** Whether a training batch writes the codebook in place after reading it. */
    boolean writesAfterBatch() {
        return ema != null || deadCodes != null;
    }

    /** A freshly initialized {@code table} (K, D): normalize it, start the EMA from it, arm k-means. */
    void started(NDArray table, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray copy = table.duplicate();
            copy.attach(scope);
            adopt(table, copy);
        }
        kMeansPending = kMeansIterations > 0;
    }

    /** Codes {@code (K, D)} set by hand, on a scope the caller closes; they replace a pending k-means. */
    void set(NDArray table, NDArray codes) {
        adopt(table, codes);
        kMeansPending = false;
    }

    /** Codes loaded with their EMA statistics: nothing to start. */
    void loaded() {
        kMeansPending = false;
    }

    /** Before a training batch's rows {@code z} (N, D), on its scope: the k-means start, once. */
    void beforeBatch(NDArray table, NDArray z) {
        if (kMeansPending) {
            adopt(table, KMeans.fit(z, size, kMeansIterations, cosine, random));
            kMeansPending = false;
        }
    }

    /** After a training batch: rows {@code z} (N, D) without gradient and their {@code ids} (N). */
    void afterBatch(NDArray table, NDArray z, NDArray ids) {
        if (!writesAfterBatch()) {
            return;
        }
        NDArray counts = CodeStatistics.counts(ids, size); // (K)
        if (ema != null) {
            NDArray codes = ema.update(z, ids, counts); // (K, D)
            overwrite(table, ALL, cosine ? VectorQuantizer.l2Normalize(codes) : codes);
        }
        long[] dead = deadCodes == null ? new long[0] : deadCodes.record(counts);
        long n = z.getShape().get(0);
        if (dead.length > 0 && n > 0) {
            NDManager scope = z.getManager();
            NDArray deadIds = scope.create(dead); // (M)
            NDArray rows = z.get(scope.create(Sampling.rows(random, n, dead.length))); // (M, D)
            overwrite(table, new NDIndex("{}", deadIds), rows);
            if (ema != null) {
                ema.reset(deadIds, rows);
            }
        }
    }

    /** The k-means flag and the dead-code window (the EMA statistics are parameters, saved with the model). */
    void saveState(TrainingState state) {
        state.putBoolean("kMeansPending", kMeansPending);
        if (deadCodes != null) {
            deadCodes.saveState(state.child("deadCodes"));
        }
    }

    void loadState(TrainingState state) {
        kMeansPending = state.getBoolean("kMeansPending");
        if (deadCodes != null) {
            deadCodes.loadState(state.child("deadCodes"));
        }
    }

    /** Makes {@code codes} (K, D) the codebook and the EMA start. */
    private void adopt(NDArray table, NDArray codes) {
        NDArray values = cosine ? VectorQuantizer.l2Normalize(codes) : codes;
        overwrite(table, ALL, values);
        if (ema != null) {
            ema.reset(values);
        }
    }

    /**
     * Writes {@code values} into {@code target[index]} through a detached view: an in-place write to
     * a leaf that requires a gradient is refused inside a gradient collector.
     */
    private static void overwrite(NDArray target, NDIndex index, NDArray values) {
        NDArray view = target.stopGradient(); // shares the storage
        try {
            view.set(index, values);
        } finally {
            view.close();
        }
    }
}
