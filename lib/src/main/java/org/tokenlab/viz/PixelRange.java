package org.tokenlab.viz;

/**
 * How tensor values map to 8-bit pixels.
 *
 * <p>{@link #AUTO} follows the library's convention first: a float tensor whose values all lie in
 * [-1, 1] is read as {@link #SIGNED_UNIT}; one within [0, 255] as {@link #BYTE}; anything else
 * is stretched from its minimum to its maximum. Integer tensors are read as {@link #BYTE}. Pass
 * {@link #UNIT} explicitly for tensors in [0, 1], which AUTO cannot tell apart from [-1, 1] data
 * that happens to be non-negative.
 */
public enum PixelRange {
    /** Values in [-1, 1], the library's pixel convention: -1 is black, 1 is white. */
    SIGNED_UNIT,
    /** Values in [0, 1]. */
    UNIT,
    /** Values in [0, 255]. */
    BYTE,
    /** Minimum to maximum of the tensor itself. */
    STRETCH,
    /** Chosen from the data type and the values, see the class comment. */
    AUTO;

    /** The concrete range for data with these statistics ({@code this} unless AUTO). */
    PixelRange resolve(boolean integral, double min, double max) {
        if (this != AUTO) {
            return this;
        }
        if (integral) {
            return BYTE;
        }
        if (min >= -1 && max <= 1) {
            return SIGNED_UNIT;
        }
        if (min >= 0 && max <= 255) {
            return BYTE;
        }
        return STRETCH;
    }

    /** Maps one value to 0..255 given the tensor's minimum and maximum (used by STRETCH). */
    int toByte(double v, double min, double max) {
        double unit;
        switch (this) {
            case SIGNED_UNIT:
                unit = (v + 1) / 2;
                break;
            case UNIT:
                unit = v;
                break;
            case BYTE:
                unit = v / 255;
                break;
            case STRETCH:
                unit = max > min ? (v - min) / (max - min) : 0.5;
                break;
            default:
                throw new IllegalStateException("resolve() AUTO before mapping values");
        }
        if (Double.isNaN(unit)) {
            return 0;
        }
        return (int) Math.round(Math.max(0, Math.min(1, unit)) * 255);
    }
}
