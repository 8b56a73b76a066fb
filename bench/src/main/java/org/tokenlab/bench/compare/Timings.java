package org.tokenlab.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One side's step times in milliseconds, kept per round: the median elapsed time over all steps,
 * the median over rounds of the CPU time per step, and the spread of the rounds' elapsed medians.
 */
final class Timings {

    private final List<StepTimes> rounds = new ArrayList<>();

    void addRound(StepTimes round) {
        rounds.add(round);
    }

    int roundCount() {
        return rounds.size();
    }

    /** The median elapsed time of a step over every round. */
    double median() {
        return median(rounds.stream().flatMapToDouble(r -> Arrays.stream(r.wallMillis())).toArray());
    }

    /** The median over the rounds of the CPU time per step. */
    double cpuMedian() {
        return median(rounds.stream().mapToDouble(StepTimes::cpuPerStep).toArray());
    }

    /** The fastest round's median elapsed time. */
    double fastestRound() {
        return rounds.stream().mapToDouble(r -> median(r.wallMillis())).min().orElse(Double.NaN);
    }

    /** The slowest round's median elapsed time. */
    double slowestRound() {
        return rounds.stream().mapToDouble(r -> median(r.wallMillis())).max().orElse(Double.NaN);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
