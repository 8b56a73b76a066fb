package org.tokenlab.bench.compare;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Prints the comparison as a fixed-width table, one row per model: median elapsed milliseconds per
 * step of each side and their ratio, the same for CPU milliseconds, the spread of the rounds, and
 * the machine's load average before and after. A model whose twin has another parameter count shows
 * {@code -} for the times it was not given. Then the share of a part's step in its whole step
 * ({@link #printShares}) where both were compared.
 */
final class ResultTable {

    private static final String ROW = "%-18s %21s %8s %8s %6s %8s %8s %6s  %-24s %s%n";

    private ResultTable() {}

    static void print(PrintStream out, List<ComparisonResult> results) {
        out.printf(Locale.ROOT, ROW, "", "", "elapsed", "", "", "CPU", "", "", "", "");
        out.printf(Locale.ROOT, ROW, "model", "parameters Java/torch", "Java", "torch", "ratio", "Java", "torch", "ratio",
                "rounds Java | torch", "steps x rounds, load");
        for (ComparisonResult r : results) {
            boolean t = r.hasTorch();
            out.printf(Locale.ROOT, ROW, r.model().id(), parameters(r),
                    ms(r.java().median()), t ? ms(r.torch().median()) : "-", t ? ratio(r.ratio()) : "-",
                    ms(r.java().cpuMedian()), t ? ms(r.torch().cpuMedian()) : "-", t ? ratio(r.cpuRatio()) : "-",
                    spread(r.java()) + (t ? " | " + spread(r.torch()) : ""),
                    String.format(Locale.ROOT, "%d x %d, %.1f-%.1f", r.stepsPerRound(), r.java().roundCount(),
                            r.loadBefore(), r.loadAfter()));
        }
    }

    /**
     * For each row that is part of another row's step ({@link Model#wholeStep()}) when both ran, its
     * median elapsed time over that row's, per side: e.g. the LFQ's share of the MAGVIT-v2 step.
     */
    static void printShares(PrintStream out, List<ComparisonResult> results) {
        for (ComparisonResult part : results) {
            for (ComparisonResult whole : results) {
                if (part.model().wholeStep() != whole.model()) {
                    continue;
                }
                String torch = part.hasTorch() && whole.hasTorch() ? String.format(Locale.ROOT, ", PyTorch %s (%s / %s ms)",
                        percent(part.torch().median() / whole.torch().median()), ms(part.torch().median()),
                        ms(whole.torch().median())) : "";
                out.printf(Locale.ROOT, "share of %s in %s (elapsed medians): Java %s (%s / %s ms)%s%n", part.model().id(),
                        whole.model().id(), percent(part.java().median() / whole.java().median()), ms(part.java().median()),
                        ms(whole.java().median()), torch);
            }
        }
    }

    private static String percent(double v) { // three decimals below 1%, where a share of a big step usually is
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 0.01 ? "%.3f%%" : "%.1f%%", 100 * v);
    }

    private static String parameters(ComparisonResult r) {
        if (!r.hasTorch()) {
            return String.format(Locale.ROOT, "%,d/-", r.javaParameters());
        }
        return String.format(Locale.ROOT, "%,d%s%,d", r.javaParameters(), r.parametersMatch() ? "=" : " != ",
                r.torchParameters());
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ms(double v) { // NaN: not timed (the parameter counts differ)
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String spread(Timings t) {
        return t.roundCount() == 0 ? "-" : ms(t.fastestRound()) + "-" + ms(t.slowestRound());
    }
}
