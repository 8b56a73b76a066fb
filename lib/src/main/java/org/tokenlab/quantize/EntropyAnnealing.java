package org.tokenlab.quantize;

import org.tokenlab.internal.Checks;

/**
 * A schedule for an entropy-loss weight by training step: it goes from {@code startWeight} at step 0
 * to {@code endWeight} at step {@code steps} along {@code curve}, and stays at {@code endWeight}
 * afterwards. A quantizer counts a step for every call with {@code training = true} and none for
 * evaluation calls, so the first training call uses {@code weightAt(0) == startWeight}.
 *
 * <pre>{@code
 * jshell> var schedule = EntropyAnnealing.cosine(0.1, 0.0, 2_000);
 * jshell> schedule.weightAt(1_000)
 * $2 ==> 0.05
 * }</pre>
 *
 * @param startWeight the weight at step 0, at least 0
 * @param endWeight the weight from step {@code steps} on, at least 0
 * @param steps how many training steps the change takes, at least 1
 * @param curve how the weight moves between the two
 */
public record EntropyAnnealing(double startWeight, double endWeight, long steps, Curve curve) {

    /** How the weight moves from the start to the end weight. */
    public enum Curve {
        /** {@code start + (end - start) * t} with {@code t = step / steps}. */
        LINEAR,
        /** {@code end + (start - end) * (1 + cos(pi * t)) / 2}: flat at both ends, fastest midway. */
        COSINE
    }

    public EntropyAnnealing {
        requireWeight(startWeight, "start weight");
        requireWeight(endWeight, "end weight");
        Checks.require(steps >= 1, "EntropyAnnealing needs at least 1 step, got %d", steps);
        Checks.notNull(curve, "EntropyAnnealing curve");
    }

    /** A straight line from {@code startWeight} to {@code endWeight} over {@code steps} training steps. */
    public static EntropyAnnealing linear(double startWeight, double endWeight, long steps) {
        return new EntropyAnnealing(startWeight, endWeight, steps, Curve.LINEAR);
    }

    /** Half a cosine from {@code startWeight} to {@code endWeight} over {@code steps} training steps. */
    public static EntropyAnnealing cosine(double startWeight, double endWeight, long steps) {
        return new EntropyAnnealing(startWeight, endWeight, steps, Curve.COSINE);
    }

    /** The weight at training step {@code step} (0 for the first training call). */
    public double weightAt(long step) {
        Checks.require(step >= 0, "EntropyAnnealing step must be at least 0, got %d", step);
        if (step >= steps) {
            return endWeight;
        }
        double t = (double) step / steps;
        return switch (curve) {
            case LINEAR -> startWeight + (endWeight - startWeight) * t;
            case COSINE -> endWeight + (startWeight - endWeight) * 0.5 * (1 + Math.cos(Math.PI * t));
        };
    }

    private static void requireWeight(double weight, String name) {
        Checks.require(Double.isFinite(weight) && weight >= 0,
                "EntropyAnnealing %s must be finite and at least 0, got %s", name, weight);
    }
}
