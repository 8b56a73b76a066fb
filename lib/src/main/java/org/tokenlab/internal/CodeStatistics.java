package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-code counts and sums of assigned rows, without a one-hot {@code (N, K)} matrix: a sort and a
 * prefix sum, {@code O(N log N + N D)} instead of an {@code (N, K) x (N, D)} product. Results land on
 * the inputs' manager; call inside a sub-manager.
 */
public final class CodeStatistics {

    private CodeStatistics() {}

    /** How many int64 {@code indices} (any shape) fall on each id in {@code [0, size)}: float32 {@code (size)}. */
    public static NDArray counts(NDArray indices, long size) {
        NDList unique = indices.reshape(-1).unique(null, true, false, true); // values, (empty) inverse, counts
        NDArray ids = unique.get(0);
        NDArray counts = unique.get(unique.size() - 1).toType(DataType.FLOAT32, false);
        NDManager manager = indices.getManager();
        return manager.zeros(new Shape(size), DataType.FLOAT32).put(ids, counts); // ids are distinct
    }

    /**
     * The sum of the {@code rows} {@code (N, D)} assigned to each code by {@code indices} {@code (N)},
     * given their {@link #counts} {@code (K)}: {@code (K, D)} in the rows' type, zero for unused codes.
     * No gradient flows through it.
     */
    public static NDArray sums(NDArray rows, NDArray indices, NDArray counts) {
        NDManager manager = rows.getManager();
        long dimension = rows.getShape().get(1);
        NDArray order = indices.argSort(); // (N): rows of code 0 first, then code 1, ...
        NDArray sorted = rows.stopGradient().get(order).toType(DataType.FLOAT64, false); // (N, D)
        NDArray prefix = manager.zeros(new Shape(1, dimension), DataType.FLOAT64)
                .concat(sorted.cumSum(0), 0); // (N + 1, D); float64 keeps the differences exact enough
        NDArray n = counts.toType(DataType.INT64, false);
        NDArray end = n.cumSum(); // (K): one past each code's last sorted row
        NDArray start = end.sub(n);
        return prefix.get(end).sub(prefix.get(start)).toType(rows.getDataType(), false); // (K, D)
    }
}
