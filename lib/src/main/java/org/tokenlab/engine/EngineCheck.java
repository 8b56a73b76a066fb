package org.tokenlab.engine;

import ai.djl.engine.Engine;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tokenlab.internal.LibtorchContext;

/**
 * Makes sure this process's convolutions compute what they should, once, before anything trains.
 *
 * <p>{@link #ensure()} runs {@link ConvolutionSelfCheck#standard()}. When a case is wrong while libtorch
 * routes convolutions to oneDNN, it turns oneDNN (and NNPACK) off for the whole process, so that
 * convolutions take libtorch's own implementation (im2col and a matrix product), and checks again.
 * On an AMD Zen 5 processor (CPU family 26), libtorch 2.7.1's oneDNN 3.7.1 with AVX, AVX2 or AVX-512
 * was wrong whenever a convolution read a tensor that its {@code jit:uni} reorder had copied into a
 * blocked layout with the channels padded to 8 or 16 (the padding did not hold zeros): the input
 * gradient of a layer with 1 to 8 output channels, NaN or finite, and the output of a layer with 12,
 * 20 or 24 input channels. Elsewhere the check passes and oneDNN stays on. {@code ./tokenlab setup}
 * goes one step further where the check fails: it finds the widest instruction set at which oneDNN
 * is right (SSE4.1 there: plain layouts and im2col + its own GEMM, no padded blocks) and has the
 * project's launchers cap oneDNN at it ({@code ONEDNN_MAX_CPU_ISA}), which is about twice as fast as
 * libtorch's own convolutions there; this check then passes with oneDNN on. Measurements:
 * docs/BENCHMARKS.md.
 *
 * <p>The kernel runs it at start, {@code ./tokenlab setup} prints it, the library's trainers call it
 * before their first step, and the tests and benchmarks run it first. The system property
 * {@code tokenlab.onednn} overrides the choice for measurements: {@code auto} (default), {@code on}
 * (keep oneDNN even if the check fails), {@code off} (always libtorch's own convolutions).
 *
 * <pre>{@code
 * jshell> EngineCheck.ensure().message()
 * $1 ==> "convolutions: 7 of 7 convolution cases match the reference (3 repeats each); oneDNN on"
 * }</pre>
 */
public final class EngineCheck {

    /** The system property that overrides the choice: auto, on or off. */
    public static final String ONEDNN_PROPERTY = "tokenlab.onednn";

    private static final Logger LOG = LoggerFactory.getLogger(EngineCheck.class);
    private static volatile Verdict verdict;

    private EngineCheck() {}

    /** What was decided, and why. */
    public enum Outcome {
        /** The check passed with the engine's defaults. */
        PASSED,
        /** The check failed with oneDNN; oneDNN is now off and the check passes. */
        FIXED,
        /** oneDNN was turned off by {@code -Dtokenlab.onednn=off}. */
        TURNED_OFF,
        /** The check fails and nothing here could fix it: results of convolutions are wrong. */
        FAILED,
        /** Not a PyTorch engine: nothing was checked. */
        SKIPPED
    }

    /**
     * @param outcome what was decided
     * @param processor where
     * @param first the check as the engine came (null when skipped or turned off by the property)
     * @param last the check after any change (the same as {@code first} when nothing changed)
     * @param oneDnn whether convolutions may use oneDNN now
     * @param forced whether {@code -Dtokenlab.onednn} chose on or off
     * @param millis how long the checks took
     */
    public record Verdict(Outcome outcome, Processor processor, SelfCheckReport first, SelfCheckReport last,
                          boolean oneDnn, boolean forced, long millis) {

        /** True unless the convolutions are known to be wrong. */
        public boolean ok() {
            return outcome != Outcome.FAILED;
        }

        /** This verdict with the time its checks took. */
        Verdict took(long checkMillis) {
            return new Verdict(outcome, processor, first, last, oneDnn, forced, checkMillis);
        }

        /** What was found and done, in a line or two. */
        public String message() {
            return outcome == Outcome.SKIPPED ? text() : text() + " [checked in " + millis + " ms]";
        }

        private String text() {
            return switch (outcome) {
                case PASSED -> "convolutions: " + last.summary() + (oneDnn ? "; oneDNN on" + isaCap() : "; oneDNN off");
                case FIXED -> "convolutions: oneDNN gave wrong results on this processor, " + processor + ": "
                        + first.summary() + ". TokenLab turned oneDNN off for this process; with libtorch's own "
                        + "convolutions " + last.summary() + " (they may be slower; docs/BENCHMARKS.md)";
                case TURNED_OFF -> "convolutions: oneDNN off (-D" + ONEDNN_PROPERTY + "=off); " + last.summary();
                case FAILED -> "convolutions are WRONG on this processor, " + processor + ": " + last.summary()
                        + (oneDnn && forced ? "; oneDNN kept on by -D" + ONEDNN_PROPERTY + "=on" : "")
                        + (oneDnn && !forced ? "; oneDNN could not be turned off here" : "")
                        + ". Training will give wrong gradients or NaN; please report this with the line above";
                case SKIPPED -> "convolutions: not checked (the engine is not PyTorch)";
            };
        }

        @Override
        public String toString() {
            return message();
        }

        private static String isaCap() {
            String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
            return cap == null || cap.isBlank() ? "" : " (instruction set capped at " + cap + " by ONEDNN_MAX_CPU_ISA)";
        }
    }

    /** Runs the check and applies its fix the first time; later calls return the same verdict at once. */
    public static Verdict ensure() {
        Verdict v = verdict;
        if (v != null) {
            return v;
        }
        synchronized (EngineCheck.class) {
            if (verdict == null) {
                verdict = decide();
                if (verdict.outcome() == Outcome.FIXED || verdict.outcome() == Outcome.FAILED) {
                    LOG.warn(verdict.message());
                } else {
                    LOG.info(verdict.message());
                }
            }
            return verdict;
        }
    }

    /** The verdict, if {@link #ensure()} has run. */
    public static Optional<Verdict> verdict() {
        return Optional.ofNullable(verdict);
    }

    /**
     * {@code java -cp ... org.tokenlab.engine.EngineCheck [--summary]}: prints the verdict (with
     * {@code --summary} only the last check's one-line summary); exit status 1 when convolutions are wrong.
     */
    public static void main(String[] args) {
        Verdict v = ensure();
        boolean summary = List.of(args).contains("--summary") && v.last() != null;
        System.out.println(summary ? v.last().summary() : v.message());
        System.exit(v.ok() ? 0 : 1);
    }

    private static Verdict decide() {
        Engine.getInstance(); // loading the engine is not part of the check's time
        long start = System.nanoTime();
        return check().took((System.nanoTime() - start) / 1_000_000);
    }

    private static Verdict check() {
        Processor processor = Processor.current();
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return new Verdict(Outcome.SKIPPED, processor, null, null, false, false, 0);
        }
        String mode = System.getProperty(ONEDNN_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException("-D" + ONEDNN_PROPERTY + " must be auto, on or off, got '" + mode
                    + "'; leave it unset for auto (check, and turn oneDNN off only where it is wrong)");
        }
        Optional<LibtorchContext> context = LibtorchContext.find();
        if (mode.equals("off") && context.isPresent()) {
            turnOffOneDnn(context.get());
            SelfCheckReport report = ConvolutionSelfCheck.standard().run();
            return new Verdict(report.passed() ? Outcome.TURNED_OFF : Outcome.FAILED, processor, null, report, false, true, 0);
        }
        boolean oneDnn = context.map(LibtorchContext::oneDnnEnabled).orElse(true);
        SelfCheckReport first = ConvolutionSelfCheck.standard().run();
        if (first.passed()) {
            return new Verdict(Outcome.PASSED, processor, first, first, oneDnn, mode.equals("on"), 0);
        }
        if (mode.equals("on") || !oneDnn || context.isEmpty()) {
            return new Verdict(Outcome.FAILED, processor, first, first, oneDnn, mode.equals("on"), 0);
        }
        turnOffOneDnn(context.get());
        SelfCheckReport last = ConvolutionSelfCheck.standard().run();
        return new Verdict(last.passed() ? Outcome.FIXED : Outcome.FAILED, processor, first, last, false, false, 0);
    }

    private static void turnOffOneDnn(LibtorchContext context) {
        context.setOneDnnEnabled(false);
        context.setNnpackEnabled(false);
    }
}
