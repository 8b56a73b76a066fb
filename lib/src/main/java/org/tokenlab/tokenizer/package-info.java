/**
 * Tokenizers: models that turn pixels into token ids and back. {@link org.tokenlab.tokenizer.PatchAutoencoder}
 * is the smallest: a multilayer perceptron over image patches with any quantizer in the middle.
 */
package org.tokenlab.tokenizer;
