/**
 * Generating token sequences: the second stage of VQGAN-style models. {@link org.tokenlab.generate.TokenTransformer}
 * is a GPT over token ids (with optional class tokens as a prefix), trained with
 * {@link org.tokenlab.generate.CausalLoss}; {@link org.tokenlab.generate.AutoregressiveSampler} draws new
 * sequences from it with temperature, top-k and top-p ({@link org.tokenlab.generate.LogitFilters}),
 * feeding one token at a time through a {@link org.tokenlab.nn.KvCache}.
 */
package org.tokenlab.generate;
