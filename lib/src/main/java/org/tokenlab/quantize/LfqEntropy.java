package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import org.tokenlab.internal.Scalars;

/**
 * The two entropies of the MAGVIT-v2 entropy loss, for a soft assignment of each token to the codes
 * {@code c in {-1, 1}^d} by {@code softmax(2 z.c / temperature)}. Written in terms of the bit logits
 * {@code a = 4 z / temperature}: the assignment factorizes over bits, {@code p(c) = prod_i p_i(c_i)}
 * with {@code p_i(+1) = sigmoid(a_i)}, and {@code log p(c) = a.b - sum_i softplus(a_i)} where
 * {@code b = (c + 1) / 2} are the code's bits.
 *
 * <p>Not API: {@link LookupFreeQuantizer} is.
 */
final class LfqEntropy {

    /** Chunks of codes are sized so that one chunk's table is at most this many (tokens x codes) values. */
    static final long CHUNK_ELEMENTS = 1L << 22;

    private LfqEntropy() {}

    /**
     * The mean over tokens of the per-token entropy, exact in O(d) per token: the entropy of a product
     * of Bernoullis is the sum of their entropies, {@code H(p) = softplus(a) - a sigmoid(a)}.
     *
     * @param logits bit logits {@code (B, d, ...)} (any layout: the sum is over all values)
     * @param tokens the number of tokens {@code B * prod(...)}
     * @return a scalar in the logits' manager, differentiable
     */
    static NDArray perSample(NDArray logits, long tokens) {
        NDArray bitEntropy = Activation.softPlus(logits).sub(logits.mul(Activation.sigmoid(logits))); // (B, d, ...)
        return bitEntropy.sum().div(Scalars.of(logits, tokens));
    }

    /**
     * The entropy of the batch-mean assignment, summed over groups of {@code groupBits} bits (the last
     * group takes the remaining bits). One group of all {@code d} bits is exact; smaller groups give
     * {@code sum_g H(marginal_g) >= H(joint)}, an upper bound that ignores dependence between groups.
     *
     * @param rows bit logits {@code (N, d)}
     * @return a scalar in the rows' manager, differentiable
     */
    static NDArray batch(NDArray rows, int groupBits, long chunkElements) {
        long d = rows.getShape().get(1);
        NDArray total = null;
        for (long start = 0; start < d; start += groupBits) {
            long end = Math.min(d, start + groupBits);
            NDArray group = end - start == d ? rows : rows.get(new NDIndex(":, {}:{}", start, end)); // (N, g)
            NDArray h = ExactBatchEntropy.of(group, chunkElements);
            total = total == null ? h : total.add(h);
        }
        return total;
    }

    /** Code bits {@code (count, g)} of codes {@code first .. first + count - 1}, bit i of code k being {@code (k >> i) & 1}. */
    static NDArray codeBits(NDManager manager, long first, int count, int groupBits) {
        float[] bits = new float[count * groupBits];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < groupBits; i++) {
                bits[k * groupBits + i] = ((first + k) >> i) & 1;
            }
        }
        return manager.create(bits).reshape(count, groupBits);
    }
}
