package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import org.tokenlab.internal.Scalars;

/**
 * The codebook-usage entropy loss on the soft assignment {@code p_n = softmax(-d_n / t)} of each
 * feature row {@code n} over the K codes:
 *
 * <pre>
 * loss = mean_n H(p_n) - H(mean_n p_n),   H(p) = -sum_k p_k log p_k
 * </pre>
 *
 * <p>The first term is low when each row is confidently near one code, the second high when the batch
 * as a whole spreads over many codes, so minimizing the difference fights codebook collapse (the
 * same objective as MAGVIT-v2's LFQ entropy penalty, here on VQ distances). It lies in
 * {@code [-log K, log K]}. Softmax ignores a constant per row, so distances missing the row's
 * {@code ||z||^2} give the same value and gradient.
 */
final class SoftAssignmentEntropy {

    private static final float TINY = 1e-12f; // keeps log away from an exactly empty code

    private SoftAssignmentEntropy() {}

    /** The loss, a scalar, for {@code distances} {@code (N, K)} and {@code temperature} t > 0. */
    static NDArray loss(NDArray distances, double temperature) {
        NDArray logP = distances.mul(Scalars.of(distances, -1 / temperature)).logSoftmax(1); // (N, K)
        NDArray p = logP.exp(); // (N, K)
        NDArray perRow = p.mul(logP).sum(new int[] {1}).mean().neg(); // mean_n H(p_n)
        NDArray average = p.mean(new int[] {0}); // (K)
        NDArray ofAverage = average.mul(average.maximum(Scalars.of(average, TINY)).log()).sum().neg(); // H(mean_n p_n)
        return perRow.sub(ofAverage);
    }
}
