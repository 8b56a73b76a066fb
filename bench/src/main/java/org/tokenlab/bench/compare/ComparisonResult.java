package org.tokenlab.bench.compare;

/**
 * One model's comparison: parameter counts and step times of both sides, measured in the same
 * rounds, and the machine's 1-minute load average before and after (other work on the machine
 * shows there).
 *
 * @param torchParameters -1 when the PyTorch side did not run
 */
record ComparisonResult(Model model, long javaParameters, long torchParameters, int stepsPerRound, Timings java,
        Timings torch, double loadBefore, double loadAfter) {

    boolean hasTorch() {
        return torchParameters >= 0;
    }

    boolean parametersMatch() {
        return !hasTorch() || javaParameters == torchParameters;
    }

    /** Java's median elapsed time over PyTorch's: below 1 means Java is faster. */
    double ratio() {
        return hasTorch() ? java.median() / torch.median() : Double.NaN;
    }

    /** The same for the CPU time per step, which other load on the machine disturbs less. */
    double cpuRatio() {
        return hasTorch() ? java.cpuMedian() / torch.cpuMedian() : Double.NaN;
    }
}
