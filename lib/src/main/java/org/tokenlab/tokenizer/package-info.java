/**
 * Tokenizers: models that turn pixels into token ids and back. {@link org.tokenlab.tokenizer.PatchAutoencoder}
 * is the smallest: a multilayer perceptron over image patches with any quantizer in the middle.
 * {@link org.tokenlab.tokenizer.QuantizedAutoencoder} is the convolutional VQ tokenizer's shape
 * (encoder, code convolution, quantizer, decoder) that {@link org.tokenlab.tokenizer.VqganTokenizer}
 * (images) and {@code org.tokenlab.magvit.MagvitTokenizer} (videos) share.
 * {@code org.tokenlab.train.GanTrainer} trains any {@link org.tokenlab.tokenizer.TrainableTokenizer}
 * block: those two and {@code org.tokenlab.magvit2.Magvit2Tokenizer}, MAGVIT-v2's causal LFQ tokenizer.
 *
 * <p>Every tokenizer's forward pass gives a {@link org.tokenlab.tokenizer.TokenizerOutput}
 * (reconstruction, ids, quantizer loss and its named parts), and every
 * {@link org.tokenlab.tokenizer.VisualTokenizer} says which token-grid shape an input shape gives
 * ({@code tokenShape}) and back ({@code inputShape}); {@code encode} and {@code decode} never record
 * an autograd graph.
 */
package org.tokenlab.tokenizer;
