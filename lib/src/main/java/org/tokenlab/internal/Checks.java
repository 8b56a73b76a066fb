package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Argument checks that fail with an {@link IllegalArgumentException} whose message says what was
 * expected, what was given and how to fix it.
 */
public final class Checks {

    private Checks() {}

    /** Fails unless {@code condition}; the message is formatted with {@link String#format}. */
    public static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /** Fails unless {@code value} is not null. */
    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** Fails unless {@code value >= 1}. */
    public static int positive(int value, String name) {
        require(value >= 1, "%s must be at least 1, got %d", name, value);
        return value;
    }

    /** Fails unless the array has one of the given ranks. */
    public static void rank(NDArray array, String what, int... ranks) {
        notNull(array, what);
        int actual = array.getShape().dimension();
        for (int r : ranks) {
            if (r == actual) {
                return;
            }
        }
        throw new IllegalArgumentException(String.format(
                "%s expects rank %s, got shape %s", what, describeRanks(ranks), describe(array.getShape())));
    }

    /** A shape as users read it: {@code (2, 3, 32, 32)}. */
    public static String describe(Shape shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.dimension(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape.get(i));
        }
        if (shape.dimension() == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    private static String describeRanks(int... ranks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranks.length; i++) {
            if (i > 0) {
                sb.append(i == ranks.length - 1 ? " or " : ", ");
            }
            sb.append(ranks[i]);
        }
        return sb.toString();
    }
}
