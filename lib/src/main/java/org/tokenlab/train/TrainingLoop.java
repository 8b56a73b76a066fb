package org.tokenlab.train;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.tokenlab.internal.Checks;

/**
 * The loop around a training step: runs {@code steps} steps, each in its own sub-manager of
 * {@code manager} (so the batch and every temporary are freed when the step ends), records the
 * step's metrics in a {@link TrainingLog} every {@code logEvery} steps and reports them to a
 * {@link TrainingProgress}. The step itself (a {@link GanTrainer}, a {@link StepTrainer}, anything)
 * is the caller's function.
 *
 * <pre>{@code
 * jshell> TrainingLog log = TrainingLoop.run(manager, 700, 10, progress,
 *    ...>     (step, scope) -> gan.step(batches.next(scope).head()));
 * }</pre>
 */
public final class TrainingLoop {

    /** One training step: {@code step} counts from 1; arrays created in {@code scope} are freed after it. */
    @FunctionalInterface
    public interface Step {
        Map<String, Double> run(int step, NDManager scope);
    }

    private TrainingLoop() {}

    /**
     * Runs {@code steps} steps and returns the log (named after the progress line) with one row every
     * {@code logEvery} steps and one for the last step.
     *
     * @throws IllegalArgumentException for non-positive step counts or a null argument
     */
    public static TrainingLog run(NDManager manager, int steps, int logEvery, TrainingProgress progress, Step step) {
        TrainingLog log = new TrainingLog(Checks.notNull(progress, "progress").name());
        return run(manager, steps, logEvery, progress, log, step);
    }

    /** As {@link #run(NDManager, int, int, TrainingProgress, Step)}, recording into an existing {@code log}. */
    public static TrainingLog run(NDManager manager, int steps, int logEvery, TrainingProgress progress, TrainingLog log,
            Step step) {
        return run(manager, 1, steps, logEvery, progress, log, step);
    }

    /**
     * Continues a run: steps {@code firstStep .. firstStep + steps - 1} (the numbers the step function
     * and the log see), for a second phase recorded in the same {@code log}; the progress counts
     * this phase's {@code steps}.
     */
    public static TrainingLog run(NDManager manager, int firstStep, int steps, int logEvery, TrainingProgress progress,
            TrainingLog log, Step step) {
        Checks.require(firstStep >= 1, "firstStep must be at least 1, got %d", firstStep);
        Checks.notNull(manager, "manager");
        Checks.positive(steps, "steps");
        Checks.positive(logEvery, "logEvery");
        Checks.notNull(progress, "progress");
        Checks.notNull(log, "log");
        Checks.notNull(step, "step");
        Checks.require(progress.total() == steps, "the progress counts %d steps but the loop runs %d; "
                + "create it with the same total", progress.total(), steps);
        int last = firstStep + steps - 1;
        for (int s = firstStep; s <= last; s++) {
            Map<String, Double> metrics;
            try (NDManager scope = manager.newSubManager()) {
                metrics = step.run(s, scope);
            }
            if (s % logEvery == 0 || s == last) {
                log.record(s, metrics);
            }
            progress.update(s - firstStep + 1, metrics);
        }
        return log;
    }
}
