package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import org.tokenlab.internal.CodeStatistics;

/**
 * The exponential-moving-average codebook update of VQ-VAE (van den Oord et al. 2017, appendix
 * A.1), which replaces the codebook loss. Per code {@code k} it keeps a running count {@code n_k}
 * and a running sum {@code m_k} of the feature rows assigned to it:
 *
 * <pre>
 * n_k = decay * n_k + (1 - decay) * count_k
 * m_k = decay * m_k + (1 - decay) * sum of the rows assigned to k
 * e_k = m_k / ((n_k + eps) / (n + K * eps) * n),   n = sum_k n_k   (Laplace smoothing)
 * </pre>
 *
 * <p>The smoothing keeps a code that nobody picks from dividing by zero. Both statistics start at
 * {@code n_k = 1}, {@code m_k = e_k}, so {@code e_k = m_k / n_k} from the first step and an unused
 * code keeps its value up to the smoothing. They are DJL parameters without gradient
 * ({@code "emaCount"} {@code (K)} and {@code "emaSum"} {@code (K, D)}), saved with the block like a
 * batch norm's running mean.
 */
final class EmaCodebook {

    private final double decay;
    private final double epsilon;
    private final Parameter count;
    private final Parameter sum;

    EmaCodebook(int size, int dimension, double decay, double epsilon) {
        this.decay = decay;
        this.epsilon = epsilon;
        this.count = statistic("emaCount", new Shape(size), Initializer.ONES);
        this.sum = statistic("emaSum", new Shape(size, dimension), Initializer.ZEROS); // set by reset
    }

    private static Parameter statistic(String name, Shape shape, Initializer initializer) {
        return Parameter.builder().setName(name).setType(Parameter.Type.RUNNING_MEAN).optShape(shape)
                .optInitializer(initializer).optRequiresGrad(false).build();
    }

    Parameter countParameter() {
        return count;
    }

    Parameter sumParameter() {
        return sum;
    }

    /**
     * Restarts every code's statistics from {@code codes} {@code (K, D)}: n = 1, m = codes. The codes'
     * manager receives the temporaries.
     */
    void reset(NDArray codes) {
        NDIndex all = new NDIndex(":");
        count.getArray().set(all, codes.getManager().ones(count.getShape()));
        sum.getArray().set(all, codes);
    }

    /** Restarts the statistics of the codes {@code ids} {@code (M)} from their new values {@code (M, D)}. */
    void reset(NDArray ids, NDArray codes) {
        NDIndex rows = new NDIndex("{}", ids);
        count.getArray().set(rows, ids.getManager().ones(ids.getShape()));
        sum.getArray().set(rows, codes);
    }

    /**
     * Folds one batch into the statistics: {@code rows} {@code (N, D)} without gradient, their
     * {@code indices} {@code (N)} and per-code {@code counts} {@code (K)}. Returns the new codes
     * {@code (K, D)} on the rows' manager, which must be a sub-manager the caller closes.
     */
    NDArray update(NDArray rows, NDArray indices, NDArray counts) {
        NDManager scope = rows.getManager();
        NDArray n = count.getArray(); // (K)
        NDArray m = sum.getArray(); // (K, D)
        n.tempAttach(scope); // so the temporaries computed from them land in the scope
        m.tempAttach(scope);
        float keep = (float) decay;
        n.muli(keep).addi(counts.mul(1 - keep));
        m.muli(keep).addi(CodeStatistics.sums(rows, indices, counts).mul(1 - keep));
        double total = n.sum().getFloat();
        long size = n.getShape().get(0);
        NDArray smoothed = n.add((float) epsilon).div((float) (total + size * epsilon)) // (K)
                .mul((float) total);
        return m.div(smoothed.reshape(size, 1)); // (K, D)
    }
}
