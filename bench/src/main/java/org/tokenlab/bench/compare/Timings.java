package org.tokenlab.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One side's step times in milliseconds, kept per round: medians over all steps (elapsed and CPU)
 * and the spread of the rounds' elapsed medians.
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
        return median(all(StepTimes::wallMillis));
    }

    /** The median CPU time of a step over every round. */
    double cpuMedian() {
        return median(all(StepTimes::cpuMillis));
    }

    /** The fastest round's median elapsed time. */
    double fastestRound() {
        return rounds.stream().mapToDouble(r -> median(r.wallMillis())).min().orElse(Double.NaN);
    }

    /** The slowest round's median elapsed time. */
    double slowestRound() {
        return rounds.stream().mapToDouble(r -> median(r.wallMillis())).max().orElse(Double.NaN);
    }

    private double[] all(Function<StepTimes, double[]> part) {
        return rounds.stream().map(part).flatMapToDouble(Arrays::stream).toArray();
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
