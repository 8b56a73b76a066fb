package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.tokenlab.internal.Checks;

/**
 * The two adversarial objectives used by image tokenizers, on discriminator logits of any shape
 * (for a {@link PatchDiscriminator}: {@code (B, 1, h, w)}, one logit per patch; every logit counts
 * equally in the means). Each loss is a scalar {@code ()} owned by its inputs' manager and
 * differentiable in the logits.
 *
 * <ul>
 *   <li>{@link #HINGE} (VQGAN, MAGVIT): discriminator
 *       {@code mean(relu(1 - D(real))) + mean(relu(1 + D(fake)))}, generator {@code -mean(D(fake))}.
 *       taming-transformers multiplies its discriminator loss by 0.5, which halves the gradient
 *       and leaves the optimum unchanged; scale it yourself to reproduce its numbers.</li>
 *   <li>{@link #NON_SATURATING} (Goodfellow et al. 2014, StyleGAN, MAGVIT-v2): discriminator
 *       {@code mean(softplus(-D(real))) + mean(softplus(D(fake)))}, the binary cross-entropy with
 *       logits; generator {@code mean(softplus(-D(fake)))}, which keeps a useful gradient when the
 *       discriminator wins.</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> NDArray dLoss = GanLosses.HINGE.discriminatorLoss(dReal, dFake.stopGradient());
 * jshell> NDArray gLoss = GanLosses.HINGE.generatorLoss(dFake);
 * }</pre>
 */
public enum GanLosses {

    /** Hinge loss: a margin of 1 on each side. */
    HINGE {
        @Override
        public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
            check(realLogits, "realLogits");
            check(fakeLogits, "fakeLogits");
            NDArray real = Activation.relu(realLogits.neg().add(1)).mean();
            return real.add(Activation.relu(fakeLogits.add(1)).mean());
        }

        @Override
        public NDArray generatorLoss(NDArray fakeLogits) {
            check(fakeLogits, "fakeLogits");
            return fakeLogits.mean().neg();
        }
    },

    /** Non-saturating loss: binary cross-entropy with logits in its softplus form. */
    NON_SATURATING {
        @Override
        public NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
            check(realLogits, "realLogits");
            check(fakeLogits, "fakeLogits");
            NDArray real = Activation.softPlus(realLogits.neg()).mean();
            return real.add(Activation.softPlus(fakeLogits).mean());
        }

        @Override
        public NDArray generatorLoss(NDArray fakeLogits) {
            check(fakeLogits, "fakeLogits");
            return Activation.softPlus(fakeLogits.neg()).mean();
        }
    };

    /**
     * The discriminator's loss, a scalar {@code ()}, from its logits on real images and on
     * reconstructions (any shapes, not necessarily equal). Detach the reconstructions (or their
     * logits' inputs) so this loss does not train the generator.
     */
    public abstract NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits);

    /** The generator's loss, a scalar {@code ()}, from the discriminator's logits on its outputs. */
    public abstract NDArray generatorLoss(NDArray fakeLogits);

    private static void check(NDArray logits, String name) {
        Checks.notNull(logits, name);
        Checks.require(logits.getDataType().isFloating(),
                "GanLosses expects floating-point %s (discriminator outputs), got %s; convert with toType(DataType.FLOAT32, false)",
                name, logits.getDataType());
        Checks.require(logits.size() > 0,
                "GanLosses expects at least one logit in %s, got shape %s", name, Checks.describe(logits.getShape()));
    }
}
