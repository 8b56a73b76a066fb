package org.tokenlab.bench.compare;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the comparison as a fixed-width table: one row per model, medians in ms per step. */
final class ResultTable {

    private static final String ROW = "%-18s %23s %9s %9s %7s  %-27s %s%n";

    private ResultTable() {}

    static void print(PrintStream out, List<ComparisonResult> results) {
        out.printf(Locale.ROOT, ROW, "model", "parameters Java/torch", "Java ms", "torch ms", "ratio",
                "round medians Java | torch", "steps x rounds, load");
        for (ComparisonResult r : results) {
            out.printf(Locale.ROOT, ROW, r.model().id(), parameters(r), ms(r.java().median()),
                    r.hasTorch() ? ms(r.torch().median()) : "-", r.hasTorch() ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "-",
                    spread(r.java()) + (r.hasTorch() ? " | " + spread(r.torch()) : ""),
                    String.format(Locale.ROOT, "%d x %d, %.1f-%.1f", r.stepsPerRound(), rounds(r), r.loadBefore(), r.loadAfter()));
        }
    }

    private static int rounds(ComparisonResult r) {
        return r.java().roundCount();
    }

    private static String parameters(ComparisonResult r) {
        if (!r.hasTorch()) {
            return String.format(Locale.ROOT, "%,d/-", r.javaParameters());
        }
        return String.format(Locale.ROOT, "%,d%s%,d", r.javaParameters(), r.parametersMatch() ? "=" : " != ",
                r.torchParameters());
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String spread(Timings t) {
        return ms(t.fastestRound()) + "-" + ms(t.slowestRound());
    }
}
