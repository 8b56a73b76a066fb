package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.tokenlab.internal.CodeAxis;

/**
 * Test quantizer: a uniform grid of step {@code step} with {@code 2m + 1} points per dimension,
 * centred on 0, and a commitment-like loss {@code mean((z - q)^2)} under the name "commitment".
 * Levels of different steps share a codebook size, which residual quantization needs.
 */
final class GridQuantizer implements Quantizer {

    final double step;
    final int m;
    final int d;

    GridQuantizer(double step, int m, int d) {
        this.step = step;
        this.m = m;
        this.d = d;
    }

    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        CodeAxis.check(features, d, "GridQuantizer");
        NDManager owner = features.getManager();
        NDArray rows = CodeAxis.toRows(features);
        NDArray digits = rows.div(step).round().clip(-m, m); // (N, d)
        NDArray q = digits.mul(step);
        NDArray id = digits.add(m).toType(DataType.INT64, false);
        long[] basis = new long[d];
        long b = 1;
        for (int i = 0; i < d; i++) {
            basis[i] = b;
            b *= 2L * m + 1;
        }
        NDArray indices = id.mul(owner.create(basis)).sum(new int[] {1}).reshape(CodeAxis.indexShape(features.getShape()));
        NDArray quantized = CodeAxis.fromRows(rows.add(q.sub(rows).stopGradient()), features.getShape());
        NDArray loss = rows.sub(q.stopGradient()).square().mean();
        return new QuantizerOutput(quantized, indices, loss, Map.of("commitment", loss));
    }

    @Override
    public NDArray indicesToCodes(NDArray indices) {
        CodeAxis.checkIndices(indices, codebookSize(), "GridQuantizer");
        long[] ids = indices.toLongArray();
        float[] codes = new float[ids.length * d];
        for (int n = 0; n < ids.length; n++) {
            long id = ids[n];
            for (int i = 0; i < d; i++) {
                codes[n * d + i] = (float) ((id % (2L * m + 1) - m) * step);
                id /= 2L * m + 1;
            }
        }
        Shape s = indices.getShape();
        long[] rowsShape = {ids.length, d};
        long[] like = new long[s.dimension() + 1];
        like[0] = s.get(0);
        like[1] = d;
        for (int i = 1; i < s.dimension(); i++) {
            like[i + 1] = s.get(i);
        }
        return CodeAxis.fromRows(indices.getManager().create(codes, new Shape(rowsShape)), new Shape(like));
    }

    @Override
    public long codebookSize() {
        long k = 1;
        for (int i = 0; i < d; i++) {
            k *= 2L * m + 1;
        }
        return k;
    }

    @Override
    public int codeDimension() {
        return d;
    }
}
