package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.tokenlab.internal.CodeStatistics;
import org.tokenlab.internal.Sampling;

/**
 * Lloyd's k-means on feature rows, the codebook initialization of SoundStream (Zeghidour et al.
 * 2021) and of vector-quantize-pytorch's {@code kmeans_init}: it starts the codes where the data is,
 * so none begins dead far from every feature.
 *
 * <p>The initial centroids are {@code k} distinct rows drawn with the given {@link Random} (with
 * repeats when there are fewer rows than codes), so a seed fixes the result. Each iteration assigns
 * every row to its nearest centroid and moves each centroid to the mean of its rows; a centroid that
 * gets no row keeps its place. With {@code cosine} the rows and centroids are l2-normalized
 * (spherical k-means), matching the quantizer's cosine mode.
 */
final class KMeans {

    private KMeans() {}

    /**
     * The centroids {@code (k, D)} of {@code rows} {@code (N, D)} after {@code iterations} rounds, on
     * the rows' manager (a sub-manager the caller closes). No gradient flows through them.
     */
    static NDArray fit(NDArray rows, int k, int iterations, boolean cosine, Random random) {
        NDManager scope = rows.getManager();
        NDArray data = rows.stopGradient(); // (N, D)
        long n = data.getShape().get(0);
        NDArray centroids = data.get(scope.create(Sampling.rows(random, n, k))); // (k, D)
        for (int i = 0; i < iterations; i++) {
            NDArray nearest = VectorQuantizer.distances(data, centroids).argMin(1); // (N)
            NDArray counts = CodeStatistics.counts(nearest, k); // (k)
            NDArray means = CodeStatistics.sums(data, nearest, counts)
                    .div(counts.maximum(1f).reshape(k, 1)); // (k, D)
            NDArray used = counts.gt(0).reshape(k, 1).broadcast(centroids.getShape()); // (k, D)
            NDArray moved = NDArrays.where(used, means, centroids);
            centroids = cosine ? VectorQuantizer.l2Normalize(moved) : moved;
        }
        return centroids;
    }
}
