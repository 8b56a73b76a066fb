package org.tokenlab.loss;

import org.tokenlab.internal.Checks;

/**
 * When the adversarial loss starts: its weight is 0 before {@code startStep} and {@code factor}
 * from then on, as taming-transformers' {@code adopt_weight(disc_factor, global_step,
 * threshold=disc_start)}. The autoencoder first learns to reconstruct; a discriminator switched on
 * from step 0 tends to win early and make training unstable. VQGAN multiplies the generator's GAN
 * term by this weight.
 *
 * <p>With {@code rampSteps > 0} the weight instead rises linearly from {@code factor / rampSteps}
 * at {@code startStep} to {@code factor} at {@code startStep + rampSteps - 1}. In short runs (a few
 * hundred steps on a CPU) switching the full GAN term on at once is a shock: the first adversarial
 * steps push the encoder away from its codes, and the tokenizer loses several dB of PSNR it does not
 * win back within the run; the ramp lets the discriminator learn while the generator's GAN term is
 * still small.
 *
 * <pre>{@code
 * jshell> var warmup = DiscriminatorWarmup.startingAt(2000);
 * jshell> warmup.weight(1999)   // 0.0
 * jshell> warmup.weight(2000)   // 1.0
 * jshell> var gentle = DiscriminatorWarmup.startingAt(2000).withFactor(0.1).withRampSteps(100);
 * jshell> gentle.weight(2049)   // 0.05
 * }</pre>
 *
 * @param startStep the first step (0-based) at which the GAN loss counts; 0 for no warm-up
 * @param factor the weight from {@code startStep} on (taming's {@code disc_factor}, 1.0 by default)
 * @param rampSteps steps over which the weight rises linearly to {@code factor}; 0 for a step
 */
public record DiscriminatorWarmup(long startStep, double factor, long rampSteps) {

    public DiscriminatorWarmup {
        Checks.require(startStep >= 0, "DiscriminatorWarmup expects startStep >= 0, got %d; use 0 for no warm-up", startStep);
        Checks.require(Double.isFinite(factor) && factor >= 0,
                "DiscriminatorWarmup expects a finite factor >= 0, got %s; taming-transformers uses 1.0", factor);
        Checks.require(rampSteps >= 0, "DiscriminatorWarmup expects rampSteps >= 0, got %d; use 0 for no ramp", rampSteps);
    }

    /** Weight {@code factor} from {@code startStep} on, without a ramp (taming-transformers' form). */
    public DiscriminatorWarmup(long startStep, double factor) {
        this(startStep, factor, 0);
    }

    /** Factor 1 from {@code startStep} on. */
    public static DiscriminatorWarmup startingAt(long startStep) {
        return new DiscriminatorWarmup(startStep, 1.0);
    }

    /** This warm-up with the weight {@code factor} from {@link #startStep} on (reached after the ramp, if any). */
    public DiscriminatorWarmup withFactor(double factor) {
        return new DiscriminatorWarmup(startStep, factor, rampSteps);
    }

    /** This warm-up with the weight rising linearly to {@link #factor} over {@code rampSteps} steps (0: no ramp). */
    public DiscriminatorWarmup withRampSteps(long rampSteps) {
        return new DiscriminatorWarmup(startStep, factor, rampSteps);
    }

    /** No warm-up: factor 1 from step 0. */
    public static DiscriminatorWarmup none() {
        return new DiscriminatorWarmup(0, 1.0);
    }

    /**
     * The GAN weight at {@code step}: 0 before {@link #startStep}, then {@link #factor} (reached
     * linearly over {@link #rampSteps} steps when there is a ramp).
     */
    public double weight(long step) {
        Checks.require(step >= 0, "DiscriminatorWarmup.weight expects a step >= 0, got %d", step);
        if (step < startStep) {
            return 0.0;
        }
        if (rampSteps == 0 || step - startStep + 1 >= rampSteps) {
            return factor;
        }
        return factor * (step - startStep + 1) / rampSteps;
    }

    /** Whether the GAN loss counts at {@code step}, i.e. whether to train the discriminator then. */
    public boolean active(long step) {
        return weight(step) > 0;
    }
}
