package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.CodeAxis;

/**
 * Maps continuous features to the nearest of a finite set of codes.
 *
 * <p>Shapes: features {@code (B, D, ...)} with the code dimension {@code D} on axis 1 (a plain
 * batch of vectors is {@code (N, D)}); indices {@code (B, ...)} of int64 in
 * {@code [0, codebookSize())} ({@link ResidualQuantizer} adds a level axis, see {@link #indexShape}).
 * Results are attached to the features' manager; the caller owns them.
 */
public interface Quantizer {

    /**
     * Quantizes {@code features}. In training mode a quantizer may update its state (EMA codebook,
     * dead-code replacement, an annealed loss weight); in evaluation mode it never does.
     *
     * @throws IllegalArgumentException for a wrong rank or code dimension, NaN or infinite values
     */
    QuantizerOutput quantize(NDArray features, boolean training);

    /** {@link #quantize(NDArray, boolean)} in evaluation mode. */
    default QuantizerOutput quantize(NDArray features) {
        return quantize(features, false);
    }

    /**
     * The codes of {@code indices} {@code (B, ...)}, as features {@code (B, D, ...)}; a 1-D
     * {@code (N)} gives {@code (N, D)}.
     *
     * @throws IllegalArgumentException for ids outside {@code [0, codebookSize())}
     */
    NDArray indicesToCodes(NDArray indices);

    /**
     * Every setting that decides how this quantizer quantizes and trains, as {@code name -> value}
     * text in a stable order, starting with {@code "type"}: what a checkpoint stores so that a model
     * built with other settings is refused with the differences named. Nested quantizers (a residual
     * quantizer's levels) appear under a dotted prefix.
     */
    default java.util.Map<String, String> configuration() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("type", getClass().getSimpleName());
        out.put("codebookSize", String.valueOf(codebookSize()));
        out.put("codeDimension", String.valueOf(codeDimension()));
        return out;
    }

    /** How many distinct codes there are. */
    long codebookSize();

    /** The code dimension {@code D} expected on axis 1 of the features. */
    int codeDimension();

    /**
     * The shape of the indices of features shaped {@code features} {@code (B, D, ...)}: {@code (B, ...)}
     * ({@code (N)} for {@code (N, D)}); a {@link ResidualQuantizer} of {@code Q} levels gives
     * {@code (B, Q, ...)}.
     */
    default Shape indexShape(Shape features) {
        return CodeAxis.indexShape(features);
    }
}
