package org.tokenlab.tutorial;

import java.util.Locale;

/**
 * A quality target a tutorial's measured number must meet at {@code cpu} and {@code gpu} size, e.g.
 * held-out PSNR {@code >= 20} dB. Targets live in the notebook's code next to the measurement, so
 * the prose quotes them instead of typing them.
 *
 * <pre>{@code
 * jshell> Target.atLeast(20).isMetBy(24.7)   // true
 * jshell> Target.atLeast(20)                 // ">= 20"
 * }</pre>
 *
 * @param atLeast true for a lower bound ({@code >=}), false for an upper bound ({@code <=})
 * @param bound the bound itself, in the measurement's unit
 */
public record Target(boolean atLeast, double bound) {

    public Target {
        if (!Double.isFinite(bound)) {
            throw new IllegalArgumentException("a target's bound must be a finite number, got " + bound);
        }
    }

    /** The measurement must be at least {@code bound}. */
    public static Target atLeast(double bound) {
        return new Target(true, bound);
    }

    /** The measurement must be at most {@code bound}. */
    public static Target atMost(double bound) {
        return new Target(false, bound);
    }

    /** Whether {@code value} meets the target; NaN never does. */
    public boolean isMetBy(double value) {
        return atLeast ? value >= bound : value <= bound;
    }

    /** {@code ">= 20"} or {@code "<= 1.5"}: the bound with as few digits as it needs. */
    @Override
    public String toString() {
        return (atLeast ? ">= " : "<= ") + number(bound);
    }

    static String number(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.4g", x).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
