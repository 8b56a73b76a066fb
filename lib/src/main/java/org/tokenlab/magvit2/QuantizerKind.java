package org.tokenlab.magvit2;

/**
 * Which quantizer a {@link Magvit2Tokenizer} puts between its encoder and decoder. Both read the
 * encoder's {@code d} latent channels at every position of the token grid and give {@code 2^d}
 * codes, so the two tokenizers have the same encoder, decoder, token grid and vocabulary: only the
 * quantizer differs. This is the comparison of the paper's Figure 1 (reconstruction and generation
 * quality against vocabulary size, VQ and LFQ).
 */
public enum QuantizerKind {

    /**
     * MAGVIT-v2's lookup-free quantizer: each of the {@code d} channels becomes its sign, the id is
     * the {@code d}-bit number those signs spell; commitment and entropy losses.
     */
    LOOKUP_FREE,

    /**
     * The VQ-VAE baseline: a learned codebook of {@code 2^d} codes of {@code d} values each; every
     * position becomes its nearest code; codebook and commitment losses (beta = the config's
     * commitment weight), no EMA, no dead-code replacement, no entropy loss.
     */
    VECTOR
}
