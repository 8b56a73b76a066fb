/**
 * Measures of tokenizers and codebooks: codebook usage, perplexity and entropy of the tokens, per-code
 * counts, LFQ bit balance, and (for pictures) PSNR and SSIM.
 */
package org.tokenlab.metrics;
