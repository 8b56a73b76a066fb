package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.UnaryOperator;
import org.tokenlab.internal.Checks;

/** Applies a per-batch function to slices of the first axis and joins the results. */
final class Batched {

    private Batched() {}

    static NDArray map(NDArray input, int batchSize, UnaryOperator<NDArray> work) {
        Checks.notNull(input, "input");
        Checks.positive(batchSize, "batchSize");
        Checks.require(input.getShape().dimension() >= 1, "batched work needs a batch axis, got a scalar");
        long n = input.getShape().get(0);
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDList parts = new NDList();
            for (long start = 0; start < n; start += batchSize) {
                NDArray slice = input.get(new NDIndex("{}:{}", start, Math.min(n, start + batchSize)));
                slice.attach(scope);
                NDArray part = work.apply(slice);
                part.attach(scope);
                parts.add(part);
            }
            NDArray joined = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
            joined.attach(owner);
            return joined;
        }
    }
}
