package org.tokenlab.mask;

import ai.djl.ndarray.NDArray;

/**
 * What {@link CommitMasking} feeds a masked token model for one batch, all {@code (B, L)} with
 * {@code L = t * h * w} in {@code (t, h, w)} row-major order; the targets are the real tokens.
 *
 * @param inputIds int64: the real token where unmasked, the condition token where masked inside the
 *     condition region, the mask token where masked outside it
 * @param segmentIds int64: {@link CommitMasking#SEGMENT_REAL} where the input is the real token,
 *     {@link CommitMasking#SEGMENT_CONDITION} where it is a condition token,
 *     {@link CommitMasking#SEGMENT_MASK} where it is the mask token
 * @param lossWeights float32: the weight of each position's cross-entropy term, from the
 *     {@link CommitMasking.LossWeights} of its group (mask, refine or reconstruction)
 * @param masked boolean: whether the position was masked
 */
public record CommitInput(NDArray inputIds, NDArray segmentIds, NDArray lossWeights, NDArray masked) implements AutoCloseable {

    /** Closes the four arrays. */
    @Override
    public void close() {
        inputIds.close();
        segmentIds.close();
        lossWeights.close();
        masked.close();
    }
}
