package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;

/**
 * A one-line description of a tensor: what a notebook shows instead of printing every element.
 *
 * <pre>{@code
 * jshell> TensorSummary.describe(manager.arange(6f).reshape(2, 3))
 * $2 ==> "NDArray (2, 3) float32 on cpu(): min 0, mean 2.5, max 5"
 * }</pre>
 */
public final class TensorSummary {

    private TensorSummary() {}

    /** Shape, data type, device and min/mean/max (NaNs counted and left out of the statistics). */
    public static String describe(NDArray array) {
        Checks.notNull(array, "array");
        StringBuilder sb = new StringBuilder("NDArray ")
                .append(Checks.describe(array.getShape())).append(' ')
                .append(array.getDataType().toString().toLowerCase(Locale.ROOT))
                .append(" on ").append(array.getDevice());
        if (array.getName() != null) {
            sb.append(" named '").append(array.getName()).append('\'');
        }
        long size = array.getShape().size();
        if (size == 0 || array.getDataType() == DataType.STRING || array.getDataType() == DataType.UNKNOWN) {
            return sb.append(size == 0 ? " (empty)" : "").toString();
        }
        double[] values = HostValues.doubles(array);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long nan = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        if (nan == values.length) {
            return sb.append(": all NaN").toString();
        }
        sb.append(": min ").append(format(min))
                .append(", mean ").append(format(sum / (values.length - nan)))
                .append(", max ").append(format(max));
        if (nan > 0) {
            sb.append(", ").append(nan).append(" NaN");
        }
        return sb.toString();
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", ""); // 2.500 -> 2.5
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }
}
