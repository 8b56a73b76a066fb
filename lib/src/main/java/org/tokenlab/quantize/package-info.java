/**
 * Quantizers: the step that turns continuous encoder features into discrete tokens.
 *
 * <p>Every quantizer takes features with the code dimension on axis 1, channel-first as in DJL:
 * {@code (N, D)}, an image grid {@code (B, D, H, W)} or a video grid {@code (B, D, T, H, W)}. It
 * returns a {@link org.tokenlab.quantize.QuantizerOutput}: the quantized features (same shape, with a
 * straight-through gradient to the input), the int64 indices {@code (N)}, {@code (B, H, W)} or
 * {@code (B, T, H, W)}, and the auxiliary loss with its named parts. {@code indicesToCodes} inverts
 * the indices: {@code quantized == indicesToCodes(indices)} in value. A
 * {@link org.tokenlab.quantize.ResidualQuantizer} adds a level axis after the batch axis
 * ({@code (B, Q, H, W)}); its levels that are blocks are its child blocks.
 */
package org.tokenlab.quantize;
