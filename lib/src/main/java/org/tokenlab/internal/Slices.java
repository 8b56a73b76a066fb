package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Work over a large array a batch at a time along its first axis: each slice of at most
 * {@code batchSize} rows lives in its own sub-manager of the input's manager, so whatever the work
 * computes from it is freed before the next slice.
 */
public final class Slices {

    private Slices() {}

    /** Runs {@code work} on each slice in order; nothing it computes outlives the slice. */
    public static void forEach(NDArray input, int batchSize, Consumer<NDArray> work) {
        Checks.notNull(input, "input");
        Checks.positive(batchSize, "batchSize");
        Checks.require(input.getShape().dimension() >= 1, "batched work needs a batch axis, got a scalar");
        long n = input.getShape().get(0);
        for (long start = 0; start < n; start += batchSize) {
            try (NDManager scope = input.getManager().newSubManager()) {
                NDArray slice = input.get(new NDIndex("{}:{}", start, Math.min(n, start + batchSize)));
                slice.attach(scope);
                work.accept(slice);
            }
        }
    }

    /** The results of {@code work} on each slice, joined along axis 0 and attached to the input's manager. */
    public static NDArray map(NDArray input, int batchSize, UnaryOperator<NDArray> work) {
        Checks.notNull(input, "input");
        NDManager owner = input.getManager();
        try (NDManager parts = owner.newSubManager()) {
            NDList results = new NDList();
            forEach(input, batchSize, slice -> {
                NDArray part = work.apply(slice);
                part.attach(parts);
                results.add(part);
            });
            NDArray joined = results.size() == 1 ? results.head() : NDArrays.concat(results, 0);
            joined.attach(owner);
            return joined;
        }
    }
}
