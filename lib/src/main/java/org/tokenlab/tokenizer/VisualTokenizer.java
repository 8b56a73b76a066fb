package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import org.tokenlab.internal.Slices;
import org.tokenlab.quantize.Quantizer;

/**
 * Pixels to token ids and back: what every tokenizer of the tutorials offers once trained.
 *
 * <p>Images are {@code (B, C, H, W)} with pixels in [-1, 1]; token grids are int64
 * {@code (B, H/f, W/f)} for the downsampling factor {@code f}, or {@code (B, Q, H/f, W/f)} when the
 * quantizer is a {@link org.tokenlab.quantize.ResidualQuantizer} of {@code Q} levels (its
 * {@link Quantizer#indexShape}). Results are attached to the input's manager and owned by the
 * caller. Both methods run in evaluation mode.
 */
public interface VisualTokenizer {

    /** Token ids {@code (B, H/f, W/f)} of images {@code (B, C, H, W)}; {@code (B, Q, H/f, W/f)} for a residual quantizer. */
    NDArray encode(NDArray pixels);

    /**
     * Images {@code (B, C, H, W)} drawn from token ids {@code (B, h, w)}, or {@code (B, Q', h, w)} with
     * {@code Q'} of the residual quantizer's levels.
     *
     * @throws IllegalArgumentException for ids of another rank or outside the vocabulary
     */
    NDArray decode(NDArray ids);

    /** The quantizer between encoder and decoder: its codebook size is the vocabulary. */
    Quantizer quantizer();

    /** How many pixels along each side one token covers. */
    int downsamplingFactor();

    /**
     * {@link #encode} of {@code pixels (N, C, H, W)} in batches of at most {@code batchSize} images,
     * so that a whole dataset can be tokenized without holding every activation at once; the ids
     * {@code (N, H/f, W/f)} belong to the pixels' manager.
     */
    default NDArray encode(NDArray pixels, int batchSize) {
        return Slices.map(pixels, batchSize, this::encode);
    }

    /** {@link #decode} of token grids {@code (N, h, w)} (or {@code (N, Q, h, w)}) in batches of at most {@code batchSize}. */
    default NDArray decode(NDArray ids, int batchSize) {
        return Slices.map(ids, batchSize, this::decode);
    }
}
