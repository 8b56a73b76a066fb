package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import org.tokenlab.internal.Checks;

/**
 * Pixel reconstruction losses: the mean over every element of {@code |x - y|} ({@link #L1}, VQGAN's
 * choice, sharper) or {@code (x - y)^2} ({@link #L2}, the MSE of the original VQ-VAE). Inputs are
 * two arrays of the same shape, e.g. images {@code (B, C, H, W)} or videos {@code (B, C, T, H, W)};
 * the loss is a scalar {@code ()} owned by the reconstruction's manager.
 *
 * <pre>{@code
 * jshell> NDArray loss = ReconstructionLoss.L1.loss(reconstruction, images);
 * }</pre>
 */
public enum ReconstructionLoss {

    /** Mean absolute error. */
    L1 {
        @Override
        NDArray elementwise(NDArray difference) {
            return difference.abs();
        }
    },

    /** Mean squared error. */
    L2 {
        @Override
        NDArray elementwise(NDArray difference) {
            return difference.square();
        }
    };

    abstract NDArray elementwise(NDArray difference);

    /** The mean loss {@code ()} between {@code reconstruction} and {@code target} (same shape, any rank). */
    public NDArray loss(NDArray reconstruction, NDArray target) {
        check(reconstruction, target);
        return elementwise(reconstruction.sub(target)).mean();
    }

    /** The loss per batch element {@code (B)}: the mean over every axis but the first. */
    public NDArray perSample(NDArray reconstruction, NDArray target) {
        check(reconstruction, target);
        Checks.require(reconstruction.getShape().dimension() >= 2,
                "ReconstructionLoss.perSample expects a batch (B, ...) of rank >= 2, got shape %s",
                Checks.describe(reconstruction.getShape()));
        NDArray e = elementwise(reconstruction.sub(target));
        return e.reshape(e.getShape().get(0), -1).mean(new int[] {1});
    }

    private void check(NDArray reconstruction, NDArray target) {
        Checks.notNull(reconstruction, "reconstruction");
        Checks.notNull(target, "target");
        Checks.require(reconstruction.getShape().equals(target.getShape()),
                "ReconstructionLoss.%s expects reconstruction and target of the same shape, got %s and %s; "
                        + "resize or crop one of them", name(),
                Checks.describe(reconstruction.getShape()), Checks.describe(target.getShape()));
        Checks.require(reconstruction.size() > 0, "ReconstructionLoss.%s expects non-empty arrays, got shape %s",
                name(), Checks.describe(reconstruction.getShape()));
    }
}
