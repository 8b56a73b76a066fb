/**
 * MAGVIT (Yu et al., "MAGVIT: Masked Generative Video Transformer", CVPR 2023, arXiv 2212.05199), read
 * in one place: {@link org.tokenlab.magvit.MagvitConfig} (the 3D VQ autoencoder's plan, its presets
 * and {@code like(VqganConfig)}) and {@link org.tokenlab.magvit.MagvitTokenizer} (clips
 * {@code (B, C, T, H, W)} to token grids {@code (B, t, h, w)}, inflated from a trained 2D VQGAN).
 *
 * <p>It is built from the shared primitives: the encoder and decoder of {@code org.tokenlab.nn} in
 * their 3D form with {@link org.tokenlab.nn.PaddingMode reflect padding} and
 * {@link org.tokenlab.nn.Inflation}, any {@code org.tokenlab.quantize} quantizer, and for training
 * {@code org.tokenlab.train.GanTrainer} (the same trainer as VQGAN) with
 * {@link org.tokenlab.loss.StyleGanDiscriminator} in 3D and {@link org.tokenlab.loss.LeCam}
 * ({@code GanTrainer.Settings.builder().optLeCam(0.001)}). Notebook {@code 03-magvit-tokenizer}
 * walks through it.
 *
 * <p>The second stage: {@link org.tokenlab.magvit.TaskTokens} tokenizes clips once, with the condition
 * clip of every task ({@link org.tokenlab.mask.MagvitTask}), and
 * {@link org.tokenlab.magvit.MultiTaskTrainer} trains one {@link org.tokenlab.generate.MaskedTokenTransformer}
 * on a pool of {@link org.tokenlab.mask.MaskingScheme}s with COMMIT ({@link org.tokenlab.mask.CommitMasking})
 * and decodes any scheme with {@link org.tokenlab.generate.MaskGitSampler}. Notebooks
 * {@code 04-magvit-tasks} and {@code 05-masking-playground} walk through it.
 */
package org.tokenlab.magvit;
