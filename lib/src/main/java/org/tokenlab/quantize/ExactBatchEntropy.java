package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import org.tokenlab.internal.Scalars;

/**
 * The exact entropy {@code H(m) = -sum_c m(c) log m(c)} of the batch-mean assignment
 * {@code m(c) = mean_n p_n(c)} over all {@code 2^g} codes of {@code g} bits.
 *
 * <p>Each token's assignment factorizes over bits, so it also factorizes over any split of the bits
 * into a low half {@code l} and a high half {@code h}: {@code p_n(c) = P_n(c_l) Q_n(c_h)}. Hence
 * {@code m = (1/N) P^T Q}, one {@code (2^l, N) x (N, 2^h)} matrix product. The largest tables are
 * {@code N x 2^(g/2)}, never {@code N x 2^g}; the result has {@code 2^g} values. Plain autograd
 * gives the exact gradient. The high half's codes are visited in chunks of at most
 * {@code chunkElements / N} codes to bound the per-chunk table.
 *
 * <p>Not API: {@link LookupFreeQuantizer} is.
 */
final class ExactBatchEntropy {

    private ExactBatchEntropy() {}

    /**
     * @param rows bit logits {@code (N, g)}, {@code g <= 30}
     * @param chunkElements the most {@code N x chunk} values in one chunk of high-half probabilities
     * @return a differentiable scalar attached to the rows' manager
     */
    static NDArray of(NDArray rows, long chunkElements) {
        NDManager owner = rows.getManager();
        long tokens = rows.getShape().get(0);
        int bits = (int) rows.getShape().get(1);
        int low = bits / 2;
        try (NDManager scope = owner.newSubManager()) {
            rows.tempAttach(scope);
            NDArray lowP = low == 0 ? scope.ones(new ai.djl.ndarray.types.Shape(tokens, 1), rows.getDataType())
                    : probabilities(rows.get(new NDIndex(":, 0:{}", low)), 0, 1 << low); // (N, 2^l)
            NDArray highLogits = rows.get(new NDIndex(":, {}:", low)); // (N, h)
            int highCodes = 1 << (bits - low);
            int chunk = (int) Math.max(1, Math.min(highCodes, chunkElements / Math.max(1, tokens)));
            NDList columns = new NDList();
            for (int first = 0; first < highCodes; first += chunk) {
                NDArray highP = probabilities(highLogits, first, Math.min(chunk, highCodes - first)); // (N, chunk)
                columns.add(lowP.transpose().matMul(highP)); // (2^l, chunk)
            }
            // m(c) with c = c_l + 2^l c_h: rows of the matrix are low codes, columns high codes
            NDArray mean = NDArrays.concat(columns, 1).div(Scalars.of(rows, tokens)); // (2^l, 2^h)
            NDArray entropy = mean.mul(mean.clip(1e-30f, 1f).log()).sum().neg();
            entropy.attach(owner);
            return entropy;
        }
    }

    /** {@code p_n(c)} {@code (N, count)} for the codes {@code first .. first + count - 1} of the logits' bits. */
    private static NDArray probabilities(NDArray logits, long first, int count) {
        int bits = (int) logits.getShape().get(1);
        NDArray codeBits = Scalars.owned(LfqEntropy.codeBits(logits.getManager(), first, count, bits).toType(logits.getDataType(), false));
        NDArray logNorm = Activation.softPlus(logits).sum(new int[] {1}, true); // (N, 1)
        return logits.matMul(codeBits.transpose()).sub(logNorm).exp(); // (N, count)
    }
}
