package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.tokenlab.internal.Checks;

/**
 * The raster-order layout of stage 2: a token grid {@code (B, h, w)} read row by row becomes a
 * sequence {@code (B, h*w)}, optionally after a prefix (class tokens); sampled sequences fold back
 * into grids for the tokenizer's decoder.
 *
 * <pre>{@code
 * jshell> NDArray seq = TokenSequences.withPrefix(gpt.classPrefix(manager, 3, 7), TokenSequences.flatten(grids));
 * jshell> NDArray grids = TokenSequences.toGrids(sampled, 8, 8);
 * }</pre>
 */
public final class TokenSequences {

    private TokenSequences() {}

    /** Grids {@code (B, h, w)} of ids as int64 sequences {@code (B, h*w)} in raster order (row by row). */
    public static NDArray flatten(NDArray grids) {
        Checks.rank(grids, "token grids (B, h, w)", 3);
        checkIntegers(grids, "token grids");
        return grids.reshape(grids.getShape().get(0), -1).toType(DataType.INT64, false);
    }

    /** {@code prefix (B, P)} followed by {@code tokens (B, L)}: int64 {@code (B, P+L)}. */
    public static NDArray withPrefix(NDArray prefix, NDArray tokens) {
        Checks.rank(prefix, "prefix (B, P)", 2);
        Checks.rank(tokens, "tokens (B, L)", 2);
        checkIntegers(prefix, "prefix");
        checkIntegers(tokens, "tokens");
        Checks.require(prefix.getShape().get(0) == tokens.getShape().get(0),
                "prefix and tokens need the same batch size, got prefix %s and tokens %s",
                Checks.describe(prefix.getShape()), Checks.describe(tokens.getShape()));
        return NDArrays.concat(new NDList(prefix.toType(DataType.INT64, false), tokens.toType(DataType.INT64, false)), 1);
    }

    /** Sequences {@code (B, h*w)} folded back into grids {@code (B, h, w)}, row by row. */
    public static NDArray toGrids(NDArray tokens, int height, int width) {
        Checks.rank(tokens, "tokens (B, h*w)", 2);
        Checks.positive(height, "height");
        Checks.positive(width, "width");
        Checks.require(tokens.getShape().get(1) == (long) height * width,
                "tokens %s hold %d ids per row, but a %dx%d grid needs %d; drop the prefix first (tokens.get(\":, P:\"))",
                Checks.describe(tokens.getShape()), tokens.getShape().get(1), height, width, (long) height * width);
        return tokens.reshape(tokens.getShape().get(0), height, width);
    }

    private static void checkIntegers(NDArray array, String what) {
        Checks.require(array.getDataType().isInteger(), "%s must hold integer token ids, got %s", what, array.getDataType());
    }
}
