/**
 * TokenLab: visual tokenizers, quantizers and token generation on DJL.
 *
 * <p>Tensors are channel-first as in DJL and PyTorch: images {@code (B, C, H, W)}, videos
 * {@code (B, C, T, H, W)}, pixels in [-1, 1] inside the library, token grids of int64 ids.
 */
package org.tokenlab;
