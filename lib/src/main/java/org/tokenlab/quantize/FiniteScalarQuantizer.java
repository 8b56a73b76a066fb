package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.CodeAxis;
import org.tokenlab.internal.Scalars;

/**
 * Finite scalar quantization (Mentzer et al., "Finite Scalar Quantization: VQ-VAE Made Simple"):
 * each of the {@code d} feature dimensions is bounded with tanh and rounded to one of
 * {@code levels[i]} values, so the codebook is the implicit grid of {@code prod(levels)} points and
 * has nothing to learn and no auxiliary loss.
 *
 * <p>Bounding: {@code tanh(z + shift) * h - offset} with {@code h = (L - 1)(1 - 1e-3) / 2}, offset
 * 0.5 for even L (so the grid has exactly L integer points) and 0 for odd L; rounding passes the
 * gradient straight through; codes are the integers divided by {@code L / 2} (integer division), in
 * [-1, 1]. The index is mixed-radix with the first dimension as the lowest digit.
 *
 * <pre>{@code
 * jshell> var fsq = FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_10); // levels 8, 5, 5, 5
 * jshell> fsq.codebookSize()
 * $2 ==> 1000
 * }</pre>
 */
public final class FiniteScalarQuantizer implements Quantizer {

    /** The levels the paper recommends per target codebook size (its Table 1). */
    public enum Preset {
        CODES_2_8(8, 6, 5),
        CODES_2_10(8, 5, 5, 5),
        CODES_2_12(7, 5, 5, 5, 5),
        CODES_2_14(8, 8, 8, 6, 5),
        CODES_2_16(8, 8, 8, 5, 5, 5);

        private final int[] levels;

        Preset(int... levels) {
            this.levels = levels;
        }

        public int[] levels() {
            return levels.clone();
        }
    }

    private static final double EPS = 1e-3;

    private final int[] levels;
    private final long[] basis;
    private final long size;

    private FiniteScalarQuantizer(int[] levels) {
        this.levels = levels.clone();
        this.basis = new long[levels.length];
        long b = 1;
        for (int i = 0; i < levels.length; i++) {
            basis[i] = b;
            b = Math.multiplyExact(b, levels[i]);
        }
        this.size = b;
    }

    /** A quantizer with {@code levels[i]} values on dimension {@code i}; each level count at least 2. */
    @Override
    public java.util.Map<String, String> configuration() {
        return java.util.Map.of("type", "FiniteScalarQuantizer", "levels", java.util.Arrays.toString(levels));
    }

    /** @see #of(int...) */
    public static FiniteScalarQuantizer of(int... levels) {
        Checks.require(levels != null && levels.length > 0, "FiniteScalarQuantizer needs at least one level count, "
                + "e.g. of(8, 5, 5, 5) or of(Preset.CODES_2_10)");
        for (int i = 0; i < levels.length; i++) {
            Checks.require(levels[i] >= 2, "FiniteScalarQuantizer levels must each be at least 2, got %s "
                    + "(level %d is %d)", Arrays.toString(levels), i, levels[i]);
        }
        return new FiniteScalarQuantizer(levels);
    }

    /** The paper's recommended levels for a target codebook size. */
    public static FiniteScalarQuantizer of(Preset preset) {
        return of(Checks.notNull(preset, "preset").levels);
    }

    public int[] levels() {
        return levels.clone();
    }

    @Override
    public long codebookSize() {
        return size;
    }

    @Override
    public int codeDimension() {
        return levels.length;
    }

    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        CodeAxis.check(features, levels.length, "FiniteScalarQuantizer");
        NDManager owner = features.getManager();
        Shape shape = features.getShape();
        NDArray codes;
        NDArray indices;
        try (NDManager scope = owner.newSubManager()) {
            features.tempAttach(scope); // every temporary below lands in scope
            NDArray z = CodeAxis.toRows(features); // (N, d)
            NDArray bounded = bound(z);
            NDArray rounded = bounded.add(bounded.round().sub(bounded).stopGradient()); // straight-through
            NDArray halfWidth = perLevel(scope, l -> l / 2);
            NDArray rows = rounded.div(halfWidth); // (N, d) in [-1, 1]
            codes = CodeAxis.fromRows(rows, shape);
            indices = digitsToIndex(rounded.stopGradient().add(halfWidth)).reshape(CodeAxis.indexShape(shape));
            codes.attach(owner);
            indices.attach(owner);
        }
        NDArray zero = owner.zeros(new Shape(), features.getDataType());
        return new QuantizerOutput(codes, indices, zero, Map.of());
    }

    @Override
    public NDArray indicesToCodes(NDArray indices) {
        CodeAxis.checkIndices(indices, size, "FiniteScalarQuantizer");
        NDManager owner = indices.getManager();
        Shape idShape = indices.getShape();
        NDArray codes;
        try (NDManager scope = owner.newSubManager()) {
            indices.tempAttach(scope);
            NDArray ids = indices.toType(DataType.INT64, false).reshape(-1, 1); // (N, 1)
            // digit i = (id mod basis[i+1] - id mod basis[i]) / basis[i], an exact multiple
            NDArray lower = scope.create(basis);
            NDArray upper = lower.mul(perLevelLong(scope));
            NDArray digits = ids.mod(upper).sub(ids.mod(lower)).toType(DataType.FLOAT64, false)
                    .div(lower.toType(DataType.FLOAT64, false)).toType(DataType.FLOAT32, false); // (N, d)
            NDArray halfWidth = perLevel(scope, l -> l / 2);
            NDArray rows = digits.sub(halfWidth).div(halfWidth);
            codes = CodeAxis.fromRows(rows, withCodeAxis(idShape));
            codes.attach(owner);
        }
        return codes;
    }

    /** {@code tanh(z + shift) * h - offset}: L integer points fit the range of dimension i. */
    private NDArray bound(NDArray z) {
        NDManager m = z.getManager();
        NDArray half = perLevel(m, FiniteScalarQuantizer::halfRange);
        NDArray offset = perLevel(m, FiniteScalarQuantizer::offset);
        NDArray shift = perLevel(m, l -> atanh(offset(l) / halfRange(l)));
        return z.add(shift).tanh().mul(half).sub(offset);
    }

    private static double halfRange(int levels) {
        return (levels - 1) * (1 - EPS) / 2;
    }

    private static double offset(int levels) {
        return levels % 2 == 0 ? 0.5 : 0.0;
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    /** Mixed-radix index from per-dimension digits in [0, L). */
    private NDArray digitsToIndex(NDArray digits) {
        NDManager m = digits.getManager();
        return digits.round().toType(DataType.INT64, false).mul(m.create(basis)).sum(new int[] {1});
    }

    private NDArray perLevel(NDManager m, java.util.function.IntToDoubleFunction f) {
        float[] v = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            v[i] = (float) f.applyAsDouble(levels[i]);
        }
        return Scalars.owned(m.create(v)); // on the gradient path: engine-owned, see Scalars
    }

    private NDArray perLevelLong(NDManager m) {
        long[] v = new long[levels.length];
        for (int i = 0; i < levels.length; i++) {
            v[i] = levels[i];
        }
        return m.create(v);
    }

    /** Feature shape {@code (B, d, ...)} for an index shape {@code (B, ...)}; {@code (N, d)} for {@code (N)}. */
    private Shape withCodeAxis(Shape idShape) {
        long[] dims = new long[idShape.dimension() + 1];
        dims[0] = idShape.get(0);
        dims[1] = levels.length;
        for (int i = 1; i < idShape.dimension(); i++) {
            dims[i + 1] = idShape.get(i);
        }
        return new Shape(dims);
    }
}
