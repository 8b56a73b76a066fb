package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link Quantizer} returns.
 *
 * @param quantized the codes in the features' shape {@code (B, D, ...)}, with a straight-through
 *     gradient: VQ and LFQ compute {@code z + stopGradient(q - z)}, so the gradient reaches the
 *     features unchanged; FSQ rounds straight through after its bounding function
 * @param indices int64 ids {@code (B, ...)}; a {@link ResidualQuantizer} adds a level axis:
 *     {@code (B, Q, ...)}
 * @param loss the total auxiliary loss, a scalar to add to the model's loss
 * @param lossParts the weighted terms that sum to {@code loss}, by name (e.g. {@code "commitment"},
 *     {@code "codebook"}, {@code "entropy"}), in a stable order
 */
public record QuantizerOutput(NDArray quantized, NDArray indices, NDArray loss, Map<String, NDArray> lossParts) {

    public QuantizerOutput {
        lossParts = Collections.unmodifiableMap(new LinkedHashMap<>(lossParts)); // keeps the quantizer's order
    }
}
