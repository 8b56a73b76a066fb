package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Checks;

/**
 * LeCam regularization of the discriminator (Tseng et al. 2021, "Regularizing Generative
 * Adversarial Networks under Limited Data"), used by MAGVIT with weight 0.001:
 * <pre>
 *   R = mean((D(real) - ema_fake)^2) + mean((D(fake) - ema_real)^2)
 * </pre>
 * where {@code ema_real} and {@code ema_fake} are exponential moving averages (decay 0.999) of the
 * mean logit on real and on generated images. It keeps the discriminator's outputs near the other
 * side's running average, which bounds how far it can separate the two and stabilizes training
 * on small datasets. Add {@code weight * loss(...)} to the discriminator's loss.
 *
 * <p>This class holds the two anchors (state, not thread-safe). Call {@link #update} with the
 * batch's logits first, then {@link #loss}, as the reference code does. The first update sets the
 * anchors to the batch means (instead of starting at 0, which a decay of 0.999 would take
 * thousands of steps to forget); later updates do {@code ema = decay * ema + (1 - decay) * mean}.
 * The official code also has a one-sided form with {@code relu(D(real) - ema_fake)} and
 * {@code relu(ema_real - D(fake))}; this is the paper's two-sided equation.
 *
 * <pre>{@code
 * jshell> LeCam lecam = new LeCam();
 * jshell> lecam.update(dReal, dFake);
 * jshell> NDArray dLoss = GanLosses.HINGE.discriminatorLoss(dReal, dFake).add(lecam.loss(dReal, dFake).mul(0.001f))   // a float, so the loss stays float32;
 * }</pre>
 */
public final class LeCam implements Resumable {

    /** MAGVIT's decay of the anchors. */
    public static final double DEFAULT_DECAY = 0.999;

    private final double decay;
    private double emaReal;
    private double emaFake;
    private long updates;

    /** Anchors with decay {@link #DEFAULT_DECAY}. */
    public LeCam() {
        this(DEFAULT_DECAY);
    }

    /** Anchors with the given decay in [0, 1) (0 keeps only the last batch). */
    public LeCam(double decay) {
        Checks.require(decay >= 0 && decay < 1,
                "LeCam expects a decay in [0, 1), got %s; MAGVIT uses 0.999", decay);
        this.decay = decay;
    }

    /**
     * Moves the anchors towards the means of this batch's logits (any shapes). The logits are
     * read on the host (detached); nothing is kept.
     */
    public void update(NDArray realLogits, NDArray fakeLogits) {
        double real = mean(realLogits, "realLogits");
        double fake = mean(fakeLogits, "fakeLogits");
        if (updates == 0) {
            emaReal = real;
            emaFake = fake;
        } else {
            emaReal = decay * emaReal + (1 - decay) * real;
            emaFake = decay * emaFake + (1 - decay) * fake;
        }
        updates++;
    }

    /**
     * The regularization {@code ()} with the current anchors, differentiable in the logits and
     * owned by {@code realLogits}' manager.
     *
     * @throws IllegalStateException before the first {@link #update}
     */
    public NDArray loss(NDArray realLogits, NDArray fakeLogits) {
        check(realLogits, "realLogits");
        check(fakeLogits, "fakeLogits");
        if (updates == 0) {
            throw new IllegalStateException("LeCam.loss needs anchors: call update(realLogits, fakeLogits) first");
        }
        NDArray real = realLogits.sub(emaFake).square().mean();
        return real.add(fakeLogits.sub(emaReal).square().mean());
    }

    /** Saves the anchors and the update count (the decay is configuration). */
    @Override
    public void saveState(TrainingState state) {
        state.putDouble("emaReal", emaReal).putDouble("emaFake", emaFake).putLong("updates", updates);
    }

    @Override
    public void loadState(TrainingState state) {
        emaReal = state.getDouble("emaReal");
        emaFake = state.getDouble("emaFake");
        updates = state.getLong("updates");
    }

    /** The moving average of the mean logit on real images. */
    public double emaReal() {
        return emaReal;
    }

    /** The moving average of the mean logit on generated images. */
    public double emaFake() {
        return emaFake;
    }

    public double decay() {
        return decay;
    }

    /** How many times {@link #update} ran. */
    public long updates() {
        return updates;
    }

    private static double mean(NDArray logits, String name) {
        check(logits, name);
        double value;
        try (NDManager scope = logits.getManager().newSubManager()) {
            NDArray x = logits.toType(DataType.FLOAT64, true);
            x.attach(scope);
            value = x.mean().getDouble();
        }
        Checks.require(Double.isFinite(value), "LeCam expects finite %s, got a mean of %s", name, value);
        return value;
    }

    private static void check(NDArray logits, String name) {
        Checks.notNull(logits, name);
        Checks.require(logits.getDataType().isFloating() && logits.size() > 0,
                "LeCam expects non-empty floating-point %s, got %s of shape %s", name, logits.getDataType(),
                Checks.describe(logits.getShape()));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "LeCam(decay %s, emaReal %.4f, emaFake %.4f, %d updates)",
                decay, emaReal, emaFake, updates);
    }
}
