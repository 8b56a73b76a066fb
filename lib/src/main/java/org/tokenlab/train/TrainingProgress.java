package org.tokenlab.train;

import java.util.Map;
import java.util.function.Consumer;
import org.tokenlab.internal.Checks;

/**
 * One progress line for a training run, rewritten as it goes instead of printed thousands of
 * times: {@code "tokenizer  step 120/700  3.4 steps/s  eta 2m51s  loss 0.1234"}. The line goes to a
 * sink: in a notebook an updatable display ({@code line -> updateDisplay(id, line)}), in a terminal
 * {@link #terminal} (carriage return, no new line until the end). Updates are throttled to one per
 * {@code interval} milliseconds, except the first and the last step.
 *
 * <pre>{@code
 * jshell> var progress = TrainingProgress.terminal("tokenizer", 700);
 * jshell> progress.update(step, metrics);
 * }</pre>
 */
public final class TrainingProgress {

    private final String name;
    private final int total;
    private final Consumer<String> sink;
    private final long intervalNanos;
    private final long start;
    private long lastShown = Long.MIN_VALUE;
    private String line = "";

    /** Progress of {@code name} over {@code total} steps, written to {@code sink} at most every {@code intervalMillis}. */
    public TrainingProgress(String name, int total, Consumer<String> sink, long intervalMillis) {
        this.name = Checks.notNull(name, "name");
        this.total = Checks.positive(total, "total");
        this.sink = Checks.notNull(sink, "sink");
        Checks.require(intervalMillis >= 0, "intervalMillis must be >= 0, got %d", intervalMillis);
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.start = System.nanoTime();
    }

    /** Progress written to {@code sink} at most twice a second. */
    public static TrainingProgress to(String name, int total, Consumer<String> sink) {
        return new TrainingProgress(name, total, sink, 500);
    }

    /** Progress on standard error, one line rewritten in place, ended by a new line at the last step. */
    public static TrainingProgress terminal(String name, int total) {
        return new TrainingProgress(name, total, l -> System.err.print("\r" + l + (l.contains(" done ") ? "\n" : "")), 500);
    }

    /** Reports step {@code step} (1-based) with its metrics (NaN values are left out). */
    public synchronized void update(int step, Map<String, Double> metrics) {
        Checks.require(step >= 1 && step <= total, "step must be in [1, %d], got %d", total, step);
        long now = System.nanoTime();
        boolean last = step == total;
        if (!last && lastShown != Long.MIN_VALUE && now - lastShown < intervalNanos) {
            return;
        }
        lastShown = now;
        line = format(step, metrics, now - start);
        sink.accept(line);
    }

    /** The name the line starts with. */
    public String name() {
        return name;
    }

    /** The number of steps the run will take. */
    public int total() {
        return total;
    }

    /** The last line written. */
    public synchronized String line() {
        return line;
    }

    String format(int step, Map<String, Double> metrics, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? step / seconds : 0;
        StringBuilder b = new StringBuilder(name).append("  step ").append(step).append('/').append(total);
        if (step == total) {
            b.append("  done in ").append(duration(seconds));
        } else {
            b.append(String.format("  %.2f steps/s  eta %s", rate, rate > 0 ? duration((total - step) / rate) : "?"));
        }
        if (metrics != null) {
            metrics.forEach((k, v) -> {
                if (v != null && !v.isNaN()) {
                    b.append(String.format("  %s %.4g", k, v));
                }
            });
        }
        return b.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
