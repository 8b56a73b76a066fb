/**
 * Generating token sequences: the second stage of VQGAN- and MAGVIT-style models.
 * {@link org.tokenlab.generate.TokenTransformer} is a GPT over token ids (with optional class tokens as a
 * prefix), trained with {@link org.tokenlab.generate.CausalLoss}; {@link org.tokenlab.generate.AutoregressiveSampler}
 * draws new sequences from it with temperature, top-k and top-p ({@link org.tokenlab.generate.LogitFilters}),
 * feeding one token at a time through a {@link org.tokenlab.nn.KvCache}.
 * {@link org.tokenlab.generate.MaskedTokenTransformer} is MaskGIT's and MAGVIT's bidirectional transformer over
 * {@code [task][class][grid]} with a {@code [MASK]} token, trained with {@link org.tokenlab.generate.MaskedTokenLoss}
 * (cross-entropy weighted per position: the masked ones, or all as MAGVIT's COMMIT), and {@link org.tokenlab.generate.MaskGitSampler}
 * decodes whole grids from it in a few parallel steps ({@link org.tokenlab.generate.MaskGitResult}), taking the
 * model as a function. {@link org.tokenlab.generate.TokenFactorization} splits the ids of a large LFQ codebook
 * (e.g. 2^18) into sub-tokens of a few bits each (MAGVIT-v2's token factorization); both transformers take it with
 * {@code optFactorization}, embedding a code as the sum of its parts' embeddings and giving each part its own head.
 */
package org.tokenlab.generate;
