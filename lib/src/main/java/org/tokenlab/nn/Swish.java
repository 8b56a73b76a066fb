package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.tokenlab.internal.Autograd;

/**
 * The swish (SiLU) nonlinearity {@code x * sigmoid(x)} that VQGAN uses after every GroupNorm
 * ({@code nonlinearity} in taming-transformers). Same shape in and out.
 */
public final class Swish {

    private Swish() {}

    /**
     * {@code x * sigmoid(x)}, element-wise; a new array of the same shape, owned by {@code x}'s manager.
     * When nothing is recorded for a backward pass the product is written into the sigmoid's array
     * (one allocation instead of two); {@code x} is never changed. DJL's PyTorch engine has no fused
     * SiLU, so training pays two operations forward and four backward where PyTorch's {@code silu} pays one.
     */
    public static NDArray apply(NDArray x) {
        NDArray sigmoid = Activation.sigmoid(x);
        return Autograd.isRecording(x) ? x.mul(sigmoid) : sigmoid.muli(x); // in place when nothing is recorded
    }
}
