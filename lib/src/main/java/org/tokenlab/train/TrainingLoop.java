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
 * jshell> TrainingLog log = TrainingLoop.builder()
 *    ...>     .setManager(manager)
 *    ...>     .setSteps(700)
 *    ...>     .optLogEvery(10)
 *    ...>     .setProgress(TrainingProgress.terminal("tokenizer", 700))
 *    ...>     .build()
 *    ...>     .run((step, scope) -> gan.step(batches.next(scope).head()));
 * }</pre>
 *
 * A second phase continues the step numbers in the same log with {@code optFirstStep(701)} and
 * {@code optLog(log)}.
 */
public final class TrainingLoop {

    /** One training step: {@code step} counts from the first step; arrays created in {@code scope} are freed after it. */
    @FunctionalInterface
    public interface Step {
        Map<String, Double> run(int step, NDManager scope);
    }

    private final NDManager manager;
    private final int firstStep;
    private final int steps;
    private final int logEvery;
    private final TrainingProgress progress;
    private final TrainingLog log;

    private TrainingLoop(Builder b) {
        this.manager = b.manager;
        this.firstStep = b.firstStep;
        this.steps = b.steps;
        this.logEvery = b.logEvery;
        this.progress = b.progress;
        this.log = b.log == null ? new TrainingLog(b.progress.name()) : b.log;
    }

    /** A loop to configure by name: {@code setManager}, {@code setSteps} and {@code setProgress} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code steps} steps from step 1 and returns a new log (named after the progress line) with
     * one row every {@code logEvery} steps and one for the last step; the short form of
     * {@code builder().setManager(manager).setSteps(steps).optLogEvery(logEvery).setProgress(progress).build().run(step)}.
     *
     * @throws IllegalArgumentException for non-positive step counts or a null argument
     */
    public static TrainingLog run(NDManager manager, int steps, int logEvery, TrainingProgress progress, Step step) {
        return builder().setManager(manager).setSteps(steps).optLogEvery(logEvery).setProgress(progress).build().run(step);
    }

    /**
     * Runs steps {@code firstStep .. firstStep + steps - 1} (the numbers {@code step} and the log see)
     * and returns the log: the one given to {@link Builder#optLog}, or a new one. The progress counts
     * this run's {@code steps}.
     *
     * @throws IllegalArgumentException for a null step
     */
    public TrainingLog run(Step step) {
        Checks.require(step != null, "TrainingLoop.run needs a step function (step, scope) -> metrics, got null");
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

    /** The log this loop records into. */
    public TrainingLog log() {
        return log;
    }

    /** Named settings of a {@link TrainingLoop}, checked in {@link #build()}. */
    public static final class Builder {
        private NDManager manager;
        private int firstStep = 1;
        private int steps;
        private int logEvery = 10;
        private TrainingProgress progress;
        private TrainingLog log;

        private Builder() {}

        /** The manager whose sub-managers hold each step's arrays. */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /** How many steps to run. */
        public Builder setSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Where the progress line goes; it must count the same number of steps. */
        public Builder setProgress(TrainingProgress progress) {
            this.progress = progress;
            return this;
        }

        /** Record a log row every this many steps, and at the last step (default 10). */
        public Builder optLogEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        /** The number of the first step (default 1); a second phase continues with the last step + 1. */
        public Builder optFirstStep(int firstStep) {
            this.firstStep = firstStep;
            return this;
        }

        /** An existing log to record into, e.g. the first phase's (default: a new log named after the progress). */
        public Builder optLog(TrainingLog log) {
            this.log = log;
            return this;
        }

        /**
         * The loop.
         *
         * @throws IllegalArgumentException for a missing manager or progress, a setting out of range,
         *     or a progress that counts another number of steps
         */
        public TrainingLoop build() {
            Checks.require(manager != null, "TrainingLoop needs setManager(manager): each step runs in a sub-manager of it");
            Checks.require(steps >= 1, "TrainingLoop needs setSteps(n) with n >= 1, got %d", steps);
            Checks.require(logEvery >= 1, "TrainingLoop optLogEvery must be at least 1, got %d; 1 logs every step",
                    logEvery);
            Checks.require(firstStep >= 1, "TrainingLoop optFirstStep must be at least 1, got %d; 1 starts a run, "
                    + "the last step + 1 continues one", firstStep);
            Checks.require(progress != null, "TrainingLoop needs setProgress(progress), e.g. "
                    + "TrainingProgress.terminal(\"tokenizer\", %d)", Math.max(steps, 1));
            Checks.require(progress.total() == steps, "the progress counts %d steps but the loop runs %d; "
                    + "create it with the same total", progress.total(), steps);
            return new TrainingLoop(this);
        }
    }
}
