package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;
import org.tokenlab.internal.Checks;

/**
 * The adaptive weight of VQGAN's adversarial term (Esser et al. 2021, eq. 7;
 * taming-transformers' {@code calculate_adaptive_weight}):
 * <pre>
 *   lambda = ||grad_wL L_rec|| / (||grad_wL L_gan|| + 1e-4),  clamped to [0, 1e4], detached
 * </pre>
 * where {@code wL} is the weight of the decoder's last layer, {@code L_rec} the reconstruction
 * (plus perceptual) loss and {@code L_gan} the generator's adversarial loss. It balances the two
 * terms so the GAN gradient reaching the decoder is as large as the reconstruction gradient.
 * taming multiplies lambda by {@code discriminator_weight} (default 1.0) and by the
 * {@link DiscriminatorWarmup} factor; do the same with the returned double.
 *
 * <h2>Getting the two gradients in DJL</h2>
 * PyTorch computes them with {@code torch.autograd.grad(loss, last_layer, retain_graph=True)}.
 * DJL 0.36 has no {@code autograd.grad}, and {@link GradientCollector#backward} frees the graph. Two
 * ways work with the PyTorch engine:
 * <ul>
 *   <li>one forward pass whose graph is kept: {@code Autograd.backward(L_rec, true)}, read the
 *       norm, set the gradients aside, back-propagate {@code L_gan}, read its norm, and combine the
 *       two sets of gradients with lambda. {@code GanTrainer} does this, so its quantizer sees each
 *       batch once;</li>
 *   <li>{@link #estimate}: one forward pass per backward pass inside one collector, simpler but
 *       three times the generator's cost, and a model with training-mode state (an EMA codebook)
 *       updates it on each pass.</li>
 * </ul>
 * Either way, lambda changes slowly, so it can be re-estimated every k steps.
 *
 * <pre>{@code
 * jshell> double lambda = AdaptiveGanWeight.of(recGradient, ganGradient);
 * }</pre>
 */
public final class AdaptiveGanWeight {

    /** Added to the GAN gradient's norm so a vanishing GAN gradient gives a large, finite weight. */
    public static final double EPSILON = 1e-4;
    /** The largest weight (taming-transformers clamps to [0, 1e4]). */
    public static final double MAX_WEIGHT = 1e4;

    private AdaptiveGanWeight() {}

    /**
     * lambda from the two gradients of the decoder's last-layer weight (same shape, any rank).
     * The arrays are read, not changed or closed.
     */
    public static double of(NDArray reconstructionGradient, NDArray ganGradient) {
        Checks.notNull(reconstructionGradient, "reconstructionGradient");
        Checks.notNull(ganGradient, "ganGradient");
        Checks.require(reconstructionGradient.getShape().equals(ganGradient.getShape()),
                "AdaptiveGanWeight expects two gradients of the same last-layer weight, got shapes %s and %s; "
                        + "pass the gradient of the same parameter for both losses",
                Checks.describe(reconstructionGradient.getShape()), Checks.describe(ganGradient.getShape()));
        return of(norm(reconstructionGradient), norm(ganGradient));
    }

    /** lambda from the two gradients' L2 norms: {@code clamp(rec / (gan + 1e-4), 0, 1e4)}. */
    public static double of(double reconstructionNorm, double ganNorm) {
        Checks.require(Double.isFinite(reconstructionNorm) && reconstructionNorm >= 0
                        && Double.isFinite(ganNorm) && ganNorm >= 0,
                "AdaptiveGanWeight expects finite gradient norms >= 0, got %s (reconstruction) and %s (GAN); "
                        + "a NaN gradient means the loss itself diverged: lower the learning rate", reconstructionNorm, ganNorm);
        return Math.min(MAX_WEIGHT, Math.max(0.0, reconstructionNorm / (ganNorm + EPSILON)));
    }

    /**
     * Runs the two backward passes described above inside {@code gc} and returns lambda. Each
     * supplier must run its own forward pass and return its scalar loss; both must depend on
     * {@code lastLayerWeight} (a parameter array that requires gradient). Afterwards every gradient
     * is zero, ready for the final backward of the combined loss in the same collector.
     */
    public static double estimate(GradientCollector gc, NDArray lastLayerWeight,
            Supplier<NDArray> reconstructionLoss, Supplier<NDArray> ganLoss) {
        Checks.notNull(gc, "gc");
        Checks.notNull(lastLayerWeight, "lastLayerWeight");
        Checks.notNull(reconstructionLoss, "reconstructionLoss");
        Checks.notNull(ganLoss, "ganLoss");
        Checks.require(lastLayerWeight.hasGradient(),
                "AdaptiveGanWeight.estimate expects the decoder's last-layer weight to require gradient, got an array of shape %s "
                        + "that does not; pass block.getParameters().get(name).getArray() of an unfrozen, initialized layer",
                Checks.describe(lastLayerWeight.getShape()));
        gc.zeroGradients();
        double rec = gradientNorm(gc, lastLayerWeight, reconstructionLoss.get());
        double gan = gradientNorm(gc, lastLayerWeight, ganLoss.get());
        return of(rec, gan);
    }

    private static double gradientNorm(GradientCollector gc, NDArray weight, NDArray loss) {
        Checks.notNull(loss, "loss");
        Checks.require(loss.size() == 1, "AdaptiveGanWeight.estimate expects scalar losses, got shape %s; take .mean()",
                Checks.describe(loss.getShape()));
        gc.backward(loss);
        double norm;
        try (NDManager scope = weight.getManager().newSubManager()) {
            NDArray gradient = weight.getGradient();
            gradient.attach(scope);
            norm = norm(gradient);
        }
        gc.zeroGradients();
        return norm;
    }

    /** The L2 norm over all elements, computed in float64; temporaries freed. */
    public static double norm(NDArray array) {
        try (NDManager scope = array.getManager().newSubManager()) {
            NDArray x = array.toType(DataType.FLOAT64, true);
            x.attach(scope);
            return Math.sqrt(x.square().sum().getDouble());
        }
    }
}
