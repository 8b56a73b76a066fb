package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The swish (SiLU) nonlinearity {@code x * sigmoid(x)} that VQGAN uses after every GroupNorm
 * ({@code nonlinearity} in taming-transformers). Same shape in and out.
 */
public final class Swish {

    private Swish() {}

    /** {@code x * sigmoid(x)}, element-wise; a new array of the same shape, owned by {@code x}'s manager. */
    public static NDArray apply(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
