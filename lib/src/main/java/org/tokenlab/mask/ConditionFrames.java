package org.tokenlab.mask;

import org.tokenlab.internal.Checks;

/**
 * How many frames frame prediction and frame interpolation give, counted twice: {@code pixelFrames}
 * of the clip (what the condition clip keeps, {@link MagvitTask#conditionClip}) and
 * {@code latentFrames} of the token grid (what the condition mask keeps,
 * {@link MagvitTask#conditionMask(GridShape, ConditionFrames)}). Frame interpolation gives that many
 * at each end. The official MAGVIT code has the same two numbers ({@code cond_frames} and
 * {@code cond_latent_frames}, both 1 by default) and sets them separately; here they are usually
 * derived from the tokenizer's temporal down-sampling factor {@code s}:
 *
 * <ul>
 *   <li>{@link #of(int, int) of(p, s)}: a tokenizer that turns every {@code s} frames into one latent
 *       frame (MAGVIT's 3D VQ, {@code T -> T/s}) needs {@code ceil(p / s)} latent frames to hold
 *       {@code p} given frames. With MAGVIT's Kinetics-600 setting, 5 of 16 frames and {@code s = 4},
 *       that is 2 latent frames; the second one mixes 1 given frame with 3 that the condition clip
 *       fills in (by repeating the last given frame), as in the paper.</li>
 *   <li>{@link #causal(int, int) causal(p, s)}: a causal tokenizer ({@code 1 + s*k} frames to
 *       {@code 1 + k}, MAGVIT-v2) gives the first frame its own latent frame:
 *       {@code 1 + ceil((p - 1) / s)}.</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> ConditionFrames.of(5, 4)
 * $1 ==> ConditionFrames[pixelFrames=5, latentFrames=2]
 * jshell> ConditionFrames.causal(5, 4).latentFrames()
 * $2 ==> 2
 * }</pre>
 *
 * @param pixelFrames clip frames given, at least 1
 * @param latentFrames latent frames given, at least 1
 */
public record ConditionFrames(int pixelFrames, int latentFrames) {

    /** One frame and one latent frame, the official code's defaults (BAIR frame prediction). */
    public static final ConditionFrames DEFAULT = new ConditionFrames(1, 1);

    /** @throws IllegalArgumentException when a count is below 1 */
    public ConditionFrames {
        Checks.require(pixelFrames >= 1 && latentFrames >= 1, "ConditionFrames expects at least 1 pixel frame and 1 latent "
                + "frame, got %d and %d; for no condition use class-conditional generation (CG)", pixelFrames, latentFrames);
    }

    /** {@code p} frames given to a tokenizer that makes one latent frame of every {@code s}: {@code ceil(p / s)} latent frames. */
    public static ConditionFrames of(int pixelFrames, int temporalFactor) {
        Checks.require(pixelFrames >= 1, "ConditionFrames.of expects at least 1 given frame, got %d", pixelFrames);
        Checks.positive(temporalFactor, "temporal down-sampling factor");
        return new ConditionFrames(pixelFrames, (pixelFrames + temporalFactor - 1) / temporalFactor);
    }

    /** {@code p} frames given to a causal tokenizer ({@code 1 + s*k} frames to {@code 1 + k}): {@code 1 + ceil((p - 1) / s)}. */
    public static ConditionFrames causal(int pixelFrames, int temporalFactor) {
        Checks.require(pixelFrames >= 1, "ConditionFrames.causal expects at least 1 given frame, got %d", pixelFrames);
        Checks.positive(temporalFactor, "temporal down-sampling factor");
        return new ConditionFrames(pixelFrames, 1 + (pixelFrames - 1 + temporalFactor - 1) / temporalFactor);
    }
}
