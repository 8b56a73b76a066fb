package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Moves the code dimension between axis 1 (channel-first features {@code (B, D, ...)}) and the
 * last axis of a flat row matrix {@code (N, D)}, where quantizers do their work.
 */
public final class CodeAxis {

    private CodeAxis() {}

    /**
     * Checks features {@code (B, D, ...)} for rank, code dimension and finite values, naming
     * {@code who} in the message.
     */
    public static void check(NDArray features, int codeDimension, String who) {
        Checks.notNull(features, "features");
        Shape s = features.getShape();
        Checks.require(s.dimension() >= 2, "%s expects features (N, %d) or (B, %d, ...) with the code dimension "
                + "on axis 1, got shape %s", who, codeDimension, codeDimension, Checks.describe(s));
        Checks.require(s.get(1) == codeDimension, "%s expects code dimension %d on axis 1, got shape %s; "
                + "features are channel-first (B, D, H, W)", who, codeDimension, Checks.describe(s));
        Checks.require(features.getDataType().isFloating(), "%s expects floating-point features, got %s",
                who, features.getDataType());
        boolean finite;
        try (NDManager scope = features.getManager().newSubManager()) {
            features.tempAttach(scope);
            // one pass first: a NaN or an infinity makes the sum non-finite, so the four-pass exact
            // test runs only then (or when a finite sum overflowed)
            finite = Double.isFinite(features.sum().toType(DataType.FLOAT64, false).getDouble())
                    || !features.isNaN().logicalOr(features.isInfinite()).any().getBoolean();
        }
        Checks.require(finite, "%s got NaN or infinite features (shape %s); check the encoder's output and "
                + "the learning rate", who, Checks.describe(s));
    }

    /** {@code (B, D, ...)} to rows {@code (N, D)} with N = B * prod(...). */
    public static NDArray toRows(NDArray features) {
        int rank = features.getShape().dimension();
        long d = features.getShape().get(1);
        if (rank == 2) {
            return features;
        }
        int[] axes = new int[rank];
        axes[0] = 0;
        for (int i = 1; i < rank - 1; i++) {
            axes[i] = i + 1;
        }
        axes[rank - 1] = 1;
        return features.transpose(axes).reshape(-1, d);
    }

    /** Rows {@code (N, D)} back to features shaped like {@code like} {@code (B, D, ...)}. */
    public static NDArray fromRows(NDArray rows, Shape like) {
        int rank = like.dimension();
        if (rank == 2) {
            return rows.reshape(like);
        }
        long[] channelsLast = new long[rank];
        channelsLast[0] = like.get(0);
        for (int i = 1; i < rank - 1; i++) {
            channelsLast[i] = like.get(i + 1);
        }
        channelsLast[rank - 1] = like.get(1);
        int[] axes = new int[rank];
        axes[0] = 0;
        axes[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            axes[i] = i - 1;
        }
        return rows.reshape(new Shape(channelsLast)).transpose(axes);
    }

    /** The index grid shape {@code (B, ...)} of features {@code (B, D, ...)}; {@code (N)} for {@code (N, D)}. */
    public static Shape indexShape(Shape features) {
        long[] dims = new long[features.dimension() - 1];
        dims[0] = features.get(0);
        for (int i = 2; i < features.dimension(); i++) {
            dims[i - 1] = features.get(i);
        }
        return new Shape(dims);
    }

    /**
     * Checks int ids against {@code [0, size)}, naming {@code who}.
     */
    public static void checkIndices(NDArray indices, long size, String who) {
        Checks.notNull(indices, "indices");
        Checks.require(indices.getDataType().isInteger(), "%s expects integer indices, got %s", who, indices.getDataType());
        Checks.require(indices.getShape().dimension() >= 1, "%s expects indices (N) or (B, ...), got a scalar", who);
        if (indices.size() == 0) {
            return;
        }
        long min;
        long max;
        try (NDManager scope = indices.getManager().newSubManager()) {
            indices.tempAttach(scope);
            min = indices.min().toType(DataType.INT64, false).getLong();
            max = indices.max().toType(DataType.INT64, false).getLong();
        }
        Checks.require(min >= 0 && max < size, "%s expects ids in [0, %d), got ids from %d to %d", who, size, min, max);
    }
}
