/**
 * MAGVIT-v2 (Yu et al., "Language Model Beats Diffusion: Tokenizer is Key to Visual Generation",
 * arXiv 2310.05737), read in one place: {@link org.tokenlab.magvit2.Magvit2Config} (the causal
 * tokenizer's plan, its presets {@code smoke()}, {@code cpu()} and {@code gpu()}, and the LFQ
 * settings: latent bits, commitment and entropy weights, entropy annealing and sub-groups) and
 * {@link org.tokenlab.magvit2.Magvit2Tokenizer} (images {@code (B, C, H, W)} and clips
 * {@code (B, C, 1 + s*k, H, W)} to token grids {@code (B, 1 + k, h, w)} of {@code d}-bit ids and back).
 *
 * <p>The encoder and decoder live here (package-private): a causal residual block of
 * {@link org.tokenlab.nn.CausalConv3d}s with per-frame group norms, the encoder with strided causal
 * down-sampling, and the decoder with {@link org.tokenlab.nn.AdaptiveGroupNorm} conditioned on the
 * quantized latents and {@link org.tokenlab.nn.DepthToSpaceUpsample}. They are built from the shared
 * primitives: {@code org.tokenlab.nn}'s causal blocks, {@link org.tokenlab.quantize.LookupFreeQuantizer}
 * with its {@link org.tokenlab.quantize.EntropyAnnealing}, and for training
 * {@code org.tokenlab.train.GanTrainer} (the trainer of VQGAN and MAGVIT) with the 3D
 * {@link org.tokenlab.loss.StyleGanDiscriminator} and LeCam. The ids split into sub-tokens with
 * {@link org.tokenlab.generate.TokenFactorization}, and {@code org.tokenlab.magvit.TaskTokens}
 * takes this tokenizer as any other.
 */
package org.tokenlab.magvit2;
