package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Slices;
import org.tokenlab.quantize.Quantizer;

/**
 * Pixels to token ids and back: what every tokenizer of the tutorials offers once trained.
 *
 * <p>Images are {@code (B, C, H, W)} with pixels in [-1, 1]; token grids are int64
 * {@code (B, H/f, W/f)} for the downsampling factor {@code f}, or {@code (B, Q, H/f, W/f)} when the
 * quantizer is a {@link org.tokenlab.quantize.ResidualQuantizer} of {@code Q} levels (its
 * {@link Quantizer#indexShape}). Videos are {@code (B, C, T, H, W)} and their token grids
 * {@code (B, t, h, w)}; {@link #tokenShape} and {@link #inputShape} say which shapes go together.
 * Results are attached to the input's manager and owned by the caller.
 *
 * <p>{@code encode} and {@code decode} run in evaluation mode and record no autograd graph, on
 * whichever thread calls them (a new thread starts with the engine recording): their results carry
 * no gradient even when the parameters require one.
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

    /** How many pixels along each side one token covers (the spatial factor {@code f}). */
    int downsamplingFactor();

    /**
     * The shape of the ids {@link #encode} gives for inputs shaped {@code input}, without running
     * the model. The contract, for a spatial factor {@code f} and a temporal factor {@code s}:
     * <ul>
     *   <li>images {@code (B, C, H, W)} give {@code (B, H/f, W/f)};
     *   <li>videos {@code (B, C, T, H, W)} give {@code (B, T/s, H/f, W/f)};
     *   <li>a causal video tokenizer encodes the first frame alone, so {@code T = 1 + s*k} frames give
     *       {@code (B, 1 + (T - 1)/s, H/f, W/f)}, and an image is a one-frame video;
     *   <li>a quantizer whose {@link Quantizer#indexShape} adds axes (a residual quantizer of
     *       {@code Q} levels) adds them after the batch axis: {@code (B, Q, h, w)}, {@code (B, Q, t, h, w)}.
     * </ul>
     * The default covers images; a video tokenizer overrides it.
     *
     * @throws IllegalArgumentException for a shape of another rank, or with sizes the factors do not
     *     divide; the message names the nearest sizes that fit
     */
    default Shape tokenShape(Shape input) {
        return TokenGridShapes.imageTokens(this, input);
    }

    /**
     * The shape of the inputs with {@code channels} channels whose ids are shaped {@code tokens}: the
     * inverse of {@link #tokenShape}, so {@code inputShape(tokenShape(x), C)} is {@code x} for every
     * {@code x} that {@code tokenShape} accepts. Images: {@code (B, h, w)} (or {@code (B, Q, h, w)})
     * give {@code (B, C, h*f, w*f)}; videos: {@code (B, t, h, w)} give {@code (B, C, t*s, h*f, w*f)},
     * causal ones {@code (B, C, 1 + (t - 1)*s, h*f, w*f)}. The default covers images; a video
     * tokenizer overrides it.
     *
     * @throws IllegalArgumentException for token shapes of another rank, non-positive sizes or
     *     channels
     */
    default Shape inputShape(Shape tokens, int channels) {
        return TokenGridShapes.imageInput(this, tokens, channels);
    }

    /**
     * {@link #encode} of {@code pixels (N, C, H, W)} in batches of at most {@code batchSize} images,
     * so that a whole dataset can be tokenized without holding every activation at once; the ids
     * {@code (N, H/f, W/f)} belong to the pixels' manager.
     */
    default NDArray encode(NDArray pixels, int batchSize) {
        try (Autograd.Paused paused = Autograd.pause()) {
            return Slices.map(pixels, batchSize, this::encode);
        }
    }

    /** {@link #decode} of token grids {@code (N, h, w)} (or {@code (N, Q, h, w)}) in batches of at most {@code batchSize}. */
    default NDArray decode(NDArray ids, int batchSize) {
        try (Autograd.Paused paused = Autograd.pause()) {
            return Slices.map(ids, batchSize, this::decode);
        }
    }
}
