package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * Runs work whose temporaries (activations, intermediate arrays) must not outlive it: the input is
 * attached to a sub-manager for the duration, so everything computed from it lands there and is
 * freed, and only the result moves to the input's own manager.
 */
public final class Scopes {

    private Scopes() {}

    /** The array {@code work} computes from {@code input}, attached to {@code input}'s manager; the rest is freed. */
    public static NDArray keepResult(NDArray input, Supplier<NDArray> work) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            input.tempAttach(scope);
            NDArray result = work.get();
            result.attach(owner);
            return result;
        }
    }

    /** The arrays {@code work} computes from {@code inputs}, attached to the first input's manager. */
    public static NDList keepResults(NDList inputs, Supplier<NDList> work) {
        NDManager owner = inputs.head().getManager();
        try (NDManager scope = owner.newSubManager()) {
            inputs.tempAttach(scope);
            NDList results = work.get();
            results.attach(owner);
            return results;
        }
    }
}
