package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The exact entropy {@code H(m) = -sum_c m(c) log m(c)} of the batch-mean assignment
 * {@code m(c) = mean_n p_n(c)} over all {@code 2^g} codes of {@code g} bits, visiting the codes in
 * chunks so that no table is larger than {@code tokens x chunk}.
 *
 * <p>Autograd would keep every chunk's {@code (tokens, chunk)} table alive until the backward pass,
 * that is memory {@code tokens x 2^g} again. So the value is computed without a graph and, when the
 * logits require a gradient, a second pass computes the gradient in the same chunks,
 * {@code dH/da_nj = -(1/N) sum_c log m(c) p_n(c) (b_cj - sigmoid(a_nj))}, and returns
 * {@code H + s - stopGradient(s)} with the surrogate {@code s = sum(a * dH/da)}: the value is H and
 * DJL's autograd passes exactly that gradient to the logits (first order only).
 *
 * <p>Not API: {@link LookupFreeQuantizer} is.
 */
final class ExactBatchEntropy {

    private ExactBatchEntropy() {}

    /**
     * @param rows bit logits {@code (N, g)}, {@code g <= 30}
     * @param chunkElements the most {@code N x chunk} values in one chunk's table
     * @return a scalar attached to the rows' manager
     */
    static NDArray of(NDArray rows, long chunkElements) {
        NDManager owner = rows.getManager();
        long tokens = rows.getShape().get(0);
        int bits = (int) rows.getShape().get(1);
        int chunk = (int) Math.max(1, Math.min(1L << bits, chunkElements / tokens));
        boolean needsGradient = rows.hasGradient();
        try (NDManager scope = owner.newSubManager()) {
            rows.tempAttach(scope);
            NDArray logitsT = rows.stopGradient().transpose(); // (g, N), no graph
            NDArray logNorm = Activation.softPlus(logitsT).sum(new int[] {0}, true); // (1, N): log sum_c exp(a.b_c)
            NDList chunks = new NDList();
            for (long first = 0; first < 1L << bits; first += chunk) {
                chunks.add(logMean(scope, logitsT, logNorm, first, chunk)); // (chunk)
            }
            NDArray logMean = NDArrays.concat(chunks); // (2^g): log m(c)
            NDArray result = logMean.exp().mul(logMean).sum().neg();
            if (needsGradient) {
                NDArray surrogate = rows.mul(gradient(scope, logitsT, logNorm, logMean, chunk)).sum();
                result = result.add(surrogate.sub(surrogate.stopGradient()));
            }
            result.attach(owner);
            return result;
        }
    }

    /** {@code log m(c)} for codes {@code first .. first + chunk - 1}, attached to {@code scope}. */
    private static NDArray logMean(NDManager scope, NDArray logitsT, NDArray logNorm, long first, int chunk) {
        try (NDManager temp = scope.newSubManager()) {
            NDArray logP = logProbabilities(temp, logitsT, logNorm, first, chunk); // (chunk, N)
            NDArray max = logP.max(new int[] {1}, true); // (chunk, 1)
            NDArray logSum = logP.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1)); // (chunk)
            NDArray result = logSum.sub((float) Math.log(logitsT.getShape().get(1)));
            result.attach(scope);
            return result;
        }
    }

    /** {@code dH/da} {@code (N, g)}, attached to {@code scope}. */
    private static NDArray gradient(NDManager scope, NDArray logitsT, NDArray logNorm, NDArray logMean, int chunk) {
        Shape shape = logitsT.getShape();
        DataType type = logitsT.getDataType();
        NDArray weightedBits = scope.zeros(shape, type); // (g, N): sum_c log m(c) p_n(c) b_c
        NDArray weighted = scope.zeros(new Shape(1, shape.get(1)), type); // (1, N): sum_c log m(c) p_n(c)
        for (long first = 0; first < logMean.size(); first += chunk) {
            try (NDManager temp = scope.newSubManager()) {
                NDArray w = logMean.get(new NDIndex("{}:{}", first, first + chunk)).reshape(-1, 1); // (chunk, 1)
                w.attach(temp);
                NDArray terms = logProbabilities(temp, logitsT, logNorm, first, chunk).exp().mul(w); // (chunk, N)
                NDArray codeBits = LfqEntropy.codeBits(temp, first, (int) terms.getShape().get(0), (int) shape.get(0));
                weightedBits.addi(codeBits.toType(type, false).transpose().matMul(terms));
                weighted.addi(terms.sum(new int[] {0}, true));
            }
        }
        NDArray gradT = weightedBits.sub(Activation.sigmoid(logitsT).mul(weighted)).div((float) -shape.get(1)); // (g, N)
        return gradT.transpose(); // (N, g)
    }

    /** {@code log p_n(c) = a_n.b_c - logNorm_n} {@code (chunk, N)} for the chunk's codes, in {@code temp}. */
    private static NDArray logProbabilities(NDManager temp, NDArray logitsT, NDArray logNorm, long first, int chunk) {
        int bits = (int) logitsT.getShape().get(0);
        int count = (int) Math.min(chunk, (1L << bits) - first);
        NDArray codeBits = LfqEntropy.codeBits(temp, first, count, bits).toType(logitsT.getDataType(), false);
        return codeBits.matMul(logitsT).sub(logNorm); // (count, g) x (g, N) -> (count, N)
    }
}
