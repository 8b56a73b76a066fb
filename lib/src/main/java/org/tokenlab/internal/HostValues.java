package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Copies of a tensor's values into Java arrays, converting the type on the tensor's device first.
 * The conversion's temporary lives in a sub-manager and is freed before returning; the input is
 * left open and attached to its own manager.
 */
public final class HostValues {

    private HostValues() {}

    /** The values as floats, in row-major order. */
    public static float[] floats(NDArray array) {
        try (NDManager scope = array.getManager().newSubManager()) {
            array.tempAttach(scope);
            return array.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** The values as longs (ids, counts), in row-major order. */
    public static long[] longs(NDArray array) {
        try (NDManager scope = array.getManager().newSubManager()) {
            array.tempAttach(scope);
            return array.toType(DataType.INT64, false).toLongArray();
        }
    }

    /** The values as doubles, in row-major order. */
    public static double[] doubles(NDArray array) {
        try (NDManager scope = array.getManager().newSubManager()) {
            array.tempAttach(scope);
            return array.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }
}
