package org.tokenlab.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link ConvolutionSelfCheck#run()} found: one result per case (its worst repeat).
 *
 * @param results per case, in the order run
 * @param repeats how many times each case ran
 */
public record SelfCheckReport(List<ConvolutionSelfCheck.CaseResult> results, int repeats) {

    public SelfCheckReport {
        results = List.copyOf(results);
    }

    /** True when every case matched the reference. */
    public boolean passed() {
        return failures().isEmpty();
    }

    /** The cases that did not match. */
    public List<ConvolutionSelfCheck.CaseResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** One line, e.g. {@code 7 of 7 convolution cases match the reference (3 repeats each)}. */
    public String summary() {
        int ok = results.size() - failures().size();
        String head = String.format("%d of %d convolution cases match the reference (%d repeats each)",
                ok, results.size(), repeats);
        if (passed()) {
            return head;
        }
        return head + "; wrong: " + failures().stream()
                .map(f -> f.convolution() + ": " + f.problems())
                .collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return summary();
    }
}
