package org.tokenlab.internal;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;

/**
 * Whether an array carries a recorded autograd graph. {@code hasGradient()} (libtorch's
 * {@code requires_grad} as this engine build reports it) is false for computed arrays even when
 * their graph was recorded, so this asks the engine the way training would: a backward pass from
 * their sum succeeds only through a recorded graph. The pass adds to the gradients it reaches.
 */
public final class RecordedGraph {

    private RecordedGraph() {}

    /** True when back-propagating from {@code array}'s sum reaches something that takes a gradient. */
    public static boolean of(NDArray array) {
        try {
            Autograd.backward(array.sum(), false);
            return true;
        } catch (EngineException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not require grad")) {
                return false;
            }
            throw e;
        }
    }
}
