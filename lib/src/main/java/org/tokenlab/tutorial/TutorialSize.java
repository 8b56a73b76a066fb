package org.tokenlab.tutorial;

import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.Locale;
import org.tokenlab.internal.Checks;

/**
 * How big a tutorial runs. Every notebook picks its step counts and model widths from this in one
 * visible cell.
 *
 * <ul>
 *   <li>{@link #SMOKE}: what {@code ./tokenlab test} runs. Every cell and picture, tiny step counts,
 *       no quality target; at most about 3 minutes per notebook on 2 cores.
 *   <li>{@link #CPU}: what a person gets by default and what {@code ./tokenlab tutorials} checks.
 *       At most about 15 minutes per notebook on 2 cores, quality targets met.
 *   <li>{@link #GPU}: chosen when the engine sees a GPU; larger models, longer training.
 * </ul>
 *
 * <pre>{@code
 * jshell> TutorialSize size = TutorialSize.current();   // or TutorialSize.CPU to choose by hand
 * jshell> int steps = size.pick(20, 1200, 6000);        // smoke, cpu, gpu
 * }</pre>
 */
public enum TutorialSize {
    SMOKE,
    CPU,
    GPU;

    /** The environment variable (or, in lower case with dots, system property) that sets the size. */
    public static final String VARIABLE = "TOKENLAB_TUTORIAL_SIZE";
    /** The system property that sets the size when the environment variable does not. */
    public static final String PROPERTY = "tokenlab.tutorial.size";

    /**
     * The size this run asks for: {@value #VARIABLE} in the environment ({@code ./tokenlab test} sets
     * {@code smoke}, {@code ./tokenlab tutorials} sets {@code cpu}), else the system property
     * {@value #PROPERTY}, else {@link #GPU} when the engine has a GPU and {@link #CPU} otherwise.
     */
    public static TutorialSize current() {
        String asked = System.getenv(VARIABLE);
        if (asked == null || asked.isBlank()) {
            asked = System.getProperty(PROPERTY);
        }
        if (asked != null && !asked.isBlank()) {
            return parse(asked);
        }
        return Engine.getInstance().getGpuCount() > 0 ? GPU : CPU;
    }

    /** The size named {@code name} ({@code smoke}, {@code cpu} or {@code gpu}, any case). */
    public static TutorialSize parse(String name) {
        Checks.notNull(name, "name");
        for (TutorialSize size : values()) {
            if (size.name().equalsIgnoreCase(name.strip())) {
                return size;
            }
        }
        throw new IllegalArgumentException("unknown tutorial size '" + name + "'; expected one of "
                + Arrays.toString(values()) + " (set " + VARIABLE + " to one of them, or leave it unset)");
    }

    /** The value for this size: {@code smoke}, {@code cpu} or {@code gpu}. */
    public int pick(int smoke, int cpu, int gpu) {
        return switch (this) {
            case SMOKE -> smoke;
            case CPU -> cpu;
            case GPU -> gpu;
        };
    }

    /** The value for this size: {@code smoke}, {@code cpu} or {@code gpu}. */
    public double pick(double smoke, double cpu, double gpu) {
        return switch (this) {
            case SMOKE -> smoke;
            case CPU -> cpu;
            case GPU -> gpu;
        };
    }

    /** The value for this size: {@code smoke}, {@code cpu} or {@code gpu} (e.g. a model configuration). */
    public <T> T pick(T smoke, T cpu, T gpu) {
        return switch (this) {
            case SMOKE -> smoke;
            case CPU -> cpu;
            case GPU -> gpu;
        };
    }

    /** Whether quality targets apply: not at {@link #SMOKE}, whose runs are too short to meet them. */
    public boolean checksTargets() {
        return this != SMOKE;
    }

    /** The lower-case name used in paths and by {@link #parse}: {@code smoke}, {@code cpu}, {@code gpu}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
