package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDManager;

/**
 * Times one model on both sides in alternating rounds: after a warm-up, each round runs the same
 * number of steps on each side, the side that goes first alternating (PyTorch, Java, Java, PyTorch,
 * ...), so that other load on the machine and any drift fall on both sides alike. The parameter
 * counts are compared at set-up: a model whose twin has another count is not timed.
 */
final class Comparison {

    private Comparison() {}

    /** {@code torch} is null for a Java-only run. */
    static ComparisonResult run(Model model, TorchWorker torch, NDManager manager, CompareOptions options) {
        double loadBefore = LoadAverage.oneMinute();
        try (Workload java = model.create(manager)) {
            long torchParameters = -1;
            double slowest = Timings.median(timeJava(java, options.warmupSteps()).wallMillis());
            if (torch != null) {
                torchParameters = Long.parseLong(torch.call("setup", model.id()).replace("params=", ""));
                if (torchParameters != java.parameterCount()) { // a twin that differs is not timed: exit 1 names it
                    return new ComparisonResult(model, java.parameterCount(), torchParameters, 0, new Timings(),
                            new Timings(), loadBefore, LoadAverage.oneMinute());
                }
                slowest = Math.max(slowest, Timings.median(torch.run(options.warmupSteps()).wallMillis()));
            }
            int steps = (int) Math.max(2, Math.min(1000, Math.round(options.roundSeconds() * 1000 / slowest)));
            Timings javaTimes = new Timings();
            Timings torchTimes = new Timings();
            for (int r = 0; r < options.rounds(); r++) {
                boolean torchFirst = r % 2 == 0;
                if (torch != null && torchFirst) {
                    torchTimes.addRound(torch.run(steps));
                }
                javaTimes.addRound(timeJava(java, steps));
                if (torch != null && !torchFirst) {
                    torchTimes.addRound(torch.run(steps));
                }
            }
            return new ComparisonResult(model, java.parameterCount(), torchParameters, steps, javaTimes, torchTimes,
                    loadBefore, LoadAverage.oneMinute());
        }
    }

    /** Elapsed milliseconds of each of {@code steps} Java steps and the process's CPU time for all of them. */
    static StepTimes timeJava(Workload java, int steps) {
        double[] wall = new double[steps];
        long cpuStart = ProcessCpu.nanos();
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            java.step();
            wall[i] = (System.nanoTime() - start) / 1e6;
        }
        return new StepTimes(wall, (ProcessCpu.nanos() - cpuStart) / 1e6);
    }
}
