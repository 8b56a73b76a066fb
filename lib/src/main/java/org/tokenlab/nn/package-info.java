/**
 * Building blocks DJL lacks. For the convolutional tokenizers: {@link org.tokenlab.nn.GroupNorm},
 * the VQGAN {@link org.tokenlab.nn.ResidualBlock}, {@link org.tokenlab.nn.Downsample} and
 * {@link org.tokenlab.nn.Upsample}, single-head {@link org.tokenlab.nn.SelfAttention2d}, and the
 * VQGAN {@link org.tokenlab.nn.VqganEncoder} and {@link org.tokenlab.nn.VqganDecoder} built from them.
 *
 * <p>The residual block and the resampling blocks work on images or videos: their builders take
 * {@code optSpatialRank(SpatialRank.THREE)} ({@link org.tokenlab.nn.SpatialRank}) for 3D
 * convolutions over {@code (B, C, T, H, W)}, with the same code and parameter names as in 2D;
 * {@code GroupNorm} works on any rank as it is. For MAGVIT's 3D VQ autoencoder:
 * {@link org.tokenlab.nn.Padding} pads images or videos by a {@link org.tokenlab.nn.PaddingMode}
 * (reflect and replicate, which DJL's constant-only {@code pad} lacks),
 * {@link org.tokenlab.nn.PaddedConvolution} is a same-size convolution padded that way with DJL's
 * parameter names, so every block above takes {@code optPadding(PaddingMode.REFLECT)} without
 * changing its checkpoints, and
 * {@link org.tokenlab.nn.Inflation} turns a trained 2D kernel into a 3D one (central or average).
 *
 * <p>For MAGVIT-v2's causal 3D tokenizer, where a clip of {@code 1 + s*k} frames becomes
 * {@code 1 + k} latent frames and the first frame is encoded on its own:
 * {@link org.tokenlab.nn.CausalConv3d} pads time only in the past (the first frame replicated, or
 * zeros) and down-samples with a temporal stride; {@link org.tokenlab.nn.DepthToSpaceUpsample}
 * up-samples by depth-to-space in time and space, dropping the extra leading frames so the causal
 * layout is kept; {@link org.tokenlab.nn.AdaptiveGroupNorm} modulates the decoder's group
 * normalization by the quantized latents.
 *
 * <p>For the token models: {@link org.tokenlab.nn.MaskedSelfAttention}, one multi-head self-attention
 * block whose {@link org.tokenlab.nn.AttentionMask} is full (bidirectional, MaskGIT), causal (GPT),
 * a prefix (prefix LM) or an explicit array; the pre-norm {@link org.tokenlab.nn.TransformerLayer}
 * built on it; and the preallocated {@link org.tokenlab.nn.KvCache} for incremental decoding.
 *
 * <p>Every block is a DJL {@code AbstractBlock}: it can be initialized on its own with
 * {@code block.initialize(manager, DataType.FLOAT32, inputShape)} and runs inside a DJL
 * {@code Trainer} (or {@link org.tokenlab.train.StepTrainer}). Tensors are channel-first:
 * images {@code (B, C, H, W)}, videos {@code (B, C, T, H, W)}.
 *
 * <pre>{@code
 * jshell> var encoder = VqganEncoder.builder().setImageChannels(1).setLatentChannels(16).build();
 * jshell> encoder.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 32, 32));
 * jshell> encoder.getOutputShapes(new Shape[] {new Shape(8, 1, 32, 32)})[0]   // (8, 16, 8, 8)
 * }</pre>
 */
package org.tokenlab.nn;
