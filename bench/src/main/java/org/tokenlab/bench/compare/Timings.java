package org.tokenlab.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One side's step times in milliseconds, kept per round: the median over all steps and the spread of rounds. */
final class Timings {

    private final List<double[]> rounds = new ArrayList<>();

    void addRound(double[] stepMillis) {
        rounds.add(stepMillis.clone());
    }

    int roundCount() {
        return rounds.size();
    }

    /** The median step time over every round. */
    double median() {
        return median(rounds.stream().flatMapToDouble(Arrays::stream).toArray());
    }

    /** The fastest round's median. */
    double fastestRound() {
        return rounds.stream().mapToDouble(Timings::median).min().orElse(Double.NaN);
    }

    /** The slowest round's median. */
    double slowestRound() {
        return rounds.stream().mapToDouble(Timings::median).max().orElse(Double.NaN);
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
