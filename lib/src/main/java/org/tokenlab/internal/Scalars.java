package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that are safe inside an autograd graph.
 *
 * <p>With DJL's PyTorch engine, an array made from Java data ({@code manager.create(float[])}, and
 * the scalar that {@code x.mul(2f)} creates internally) is a view of a Java direct buffer. The graph
 * keeps the tensor for the backward pass, but once the Java array is closed the buffer can be
 * collected and its memory reused, so the gradient reads garbage, at random steps. Constants on a
 * gradient path must therefore be engine-owned: {@link #of} makes them with the engine's own
 * {@code full}, {@link #owned} copies Java data into engine memory.
 */
public final class Scalars {

    private Scalars() {}

    /** A scalar {@code ()} of value {@code v} with {@code like}'s type, on its manager, owned by the engine. */
    public static NDArray of(NDArray like, double v) {
        return like.getManager().full(new Shape(), (float) v, like.getDataType());
    }

    /** An engine-owned copy of {@code javaData}; the original is closed. */
    public static NDArray owned(NDArray javaData) {
        NDArray copy = javaData.duplicate();
        javaData.close();
        return copy;
    }
}
