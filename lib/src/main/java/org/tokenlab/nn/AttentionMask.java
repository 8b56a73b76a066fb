package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;

/**
 * Which key positions each query position of a {@link MaskedSelfAttention} may see:
 * <ul>
 *   <li>{@link #FULL}: every position sees every position (bidirectional, as in MaskGIT and
 *       MAGVIT's masked transformer);</li>
 *   <li>{@link #CAUSAL}: position {@code i} sees {@code 0 .. i} (GPT);</li>
 *   <li>{@link #prefix(int) prefix(n)}: the first {@code n} positions see each other fully, a later
 *       position {@code i} sees {@code 0 .. i} (prefix LM); {@code prefix(0)} is causal;</li>
 *   <li>{@link #explicit(NDArray) explicit(mask)}: any other scheme, as a boolean mask
 *       ({@code true} = may see) or an additive float mask, {@code (L, S)} or {@code (B, L, S)} for
 *       {@code L} queries and {@code S} keys.</li>
 * </ul>
 * Positions are absolute: with a {@link KvCache} the queries are positions {@code t0 .. t0 + L - 1}
 * after the {@code t0} cached ones, and {@code S = t0 + L}.
 *
 * <p>A row that lets a query see nothing is refused: an explicit boolean mask with an all-false
 * row, or an additive mask with a row of only {@code -infinity} (softmax over it is NaN). The
 * named masks never have one, since every position sees itself.
 *
 * <pre>{@code
 * jshell> AttentionMask.prefix(2).allows(0, 1)      // true: both in the prefix
 * jshell> AttentionMask.CAUSAL.allows(0, 1)         // false: 1 is in 0's future
 * }</pre>
 */
public final class AttentionMask {

    /** Added to the scores of hidden positions; exp() of it is exactly 0 in float32. */
    static final float HIDDEN = -1e9f;

    /** The kinds of mask. */
    public enum Kind { FULL, CAUSAL, PREFIX, EXPLICIT }

    /** Every position sees every position. */
    public static final AttentionMask FULL = new AttentionMask(Kind.FULL, 0, null);

    /** Position {@code i} sees positions {@code 0 .. i}. */
    public static final AttentionMask CAUSAL = new AttentionMask(Kind.CAUSAL, 0, null);

    private final Kind kind;
    private final int prefixLength;
    private final NDArray explicitMask;

    private AttentionMask(Kind kind, int prefixLength, NDArray explicitMask) {
        this.kind = kind;
        this.prefixLength = prefixLength;
        this.explicitMask = explicitMask;
    }

    /** The first {@code n >= 0} positions see each other fully, later ones see their past and themselves. */
    public static AttentionMask prefix(int n) {
        Checks.require(n >= 0, "AttentionMask.prefix needs a prefix length of at least 0, got %d; use 0 for a causal mask", n);
        return new AttentionMask(Kind.PREFIX, n, null);
    }

    /**
     * A mask given as an array {@code (L, S)} or {@code (B, L, S)}: boolean, {@code true} where query
     * {@code i} may see key {@code j}; or float, added as it is to the scores {@code q k^T / sqrt(d)}
     * (0 to see, a large negative number to hide). The array stays owned by the caller and must stay
     * open while the mask is used.
     *
     * @throws IllegalArgumentException for another rank, or a row that hides every key
     */
    public static AttentionMask explicit(NDArray mask) {
        Checks.rank(mask, "AttentionMask.explicit mask (L, S) or (B, L, S)", 2, 3);
        if (mask.getDataType() == DataType.BOOLEAN) {
            try (NDArray counts = mask.toType(DataType.INT32, false);
                    NDArray seen = counts.sum(new int[] {-1});
                    NDArray least = seen.min();
                    NDArray leastLong = least.toType(DataType.INT64, false)) {
                Checks.require(leastLong.getLong() > 0,
                        "AttentionMask.explicit expects every query row to see at least one key, got a row of only false in a mask of shape %s; "
                                + "let each query see at least itself", Checks.describe(mask.getShape()));
            }
        } else {
            Checks.require(mask.getDataType().isFloating(),
                    "AttentionMask.explicit expects a boolean or a float mask, got %s", mask.getDataType());
            try (NDArray rowMax = mask.max(new int[] {-1}); NDArray dead = rowMax.eq(Float.NEGATIVE_INFINITY); NDArray any = dead.any()) {
                Checks.require(!any.getBoolean(),
                        "AttentionMask.explicit expects every query row to keep a finite score, got a row of only -infinity in a mask of shape %s "
                                + "(softmax over it is NaN); use a large negative number such as -1e9, or let each query see itself",
                        Checks.describe(mask.getShape()));
            }
        }
        return new AttentionMask(Kind.EXPLICIT, 0, mask);
    }

    /** Which kind of mask this is. */
    public Kind kind() {
        return kind;
    }

    /** The prefix length {@code n} of {@link #prefix(int) prefix(n)}; 0 for the other kinds. */
    public int prefixLength() {
        return prefixLength;
    }

    /**
     * Whether position {@code query} may see position {@code key} under a named mask.
     *
     * @throws IllegalArgumentException for an explicit mask (read its array instead)
     */
    public boolean allows(long query, long key) {
        Checks.require(kind != Kind.EXPLICIT, "AttentionMask.allows answers for FULL, CAUSAL and prefix(n), got an explicit mask; read its array");
        return switch (kind) {
            case FULL -> true;
            case CAUSAL -> key <= query;
            default -> key <= query || key < prefixLength;
        };
    }

    /**
     * The additive mask for {@code queries} query positions starting at {@code start} and
     * {@code keys} key positions starting at 0, broadcastable to the scores
     * {@code (B, heads, L, S)}: {@code (L, S)} or {@code (B, 1, L, S)}, 0 where visible and a large
     * negative number where hidden; null for {@link #FULL} (nothing to add). Owned by {@code manager}.
     *
     * @throws IllegalArgumentException for an explicit mask whose shape is not {@code (L, S)} or {@code (B, L, S)}
     */
    public NDArray additive(NDManager manager, long batch, long start, long queries, long keys) {
        if (kind == Kind.FULL) {
            return null;
        }
        if (kind == Kind.EXPLICIT) {
            return explicitAdditive(manager, batch, queries, keys);
        }
        NDArray queryPositions = manager.arange((int) start, (int) (start + queries), 1, DataType.INT64).reshape(queries, 1);
        NDArray keyPositions = manager.arange(0, (int) keys, 1, DataType.INT64).reshape(1, keys);
        NDArray hidden = keyPositions.gt(queryPositions);                           // (L, S): key in the query's future
        if (kind == Kind.PREFIX) {
            hidden = hidden.logicalAnd(keyPositions.gte(prefixLength));             // ... and outside the prefix
        }
        return hidden.toType(DataType.FLOAT32, false).mul(HIDDEN);
    }

    private NDArray explicitAdditive(NDManager manager, long batch, long queries, long keys) {
        Shape shape = explicitMask.getShape();
        boolean matches = shape.dimension() == 2
                ? shape.equals(new Shape(queries, keys))
                : shape.equals(new Shape(batch, queries, keys));
        Checks.require(matches,
                "MaskedSelfAttention expects an explicit mask of shape (L, S) = (%d, %d) or (B, L, S) = (%d, %d, %d) "
                        + "(L queries fed, S keys including cached ones), got %s; build the mask for the sequence fed",
                queries, keys, batch, queries, keys, Checks.describe(shape));
        NDArray mask = explicitMask.toType(DataType.FLOAT32, true);                 // a copy: the caller keeps the original
        mask.attach(manager);
        if (explicitMask.getDataType() == DataType.BOOLEAN) {
            mask = mask.sub(1f).mul(-HIDDEN);                                       // true -> 0, false -> HIDDEN
        }
        return shape.dimension() == 2 ? mask : mask.expandDims(1);                  // (B, 1, L, S)
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PREFIX -> "PREFIX(" + prefixLength + ")";
            case EXPLICIT -> "EXPLICIT" + Checks.describe(explicitMask.getShape());
            default -> kind.name();
        };
    }
}
