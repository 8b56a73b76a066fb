package org.tokenlab.bench.compare;

/**
 * One round of steps on one side: the elapsed milliseconds of each step and the CPU milliseconds
 * its process spent on it (all threads). On a busy machine the elapsed time depends on what else
 * runs; the CPU time much less, so the two together show how much of a slowdown was waiting.
 */
record StepTimes(double[] wallMillis, double[] cpuMillis) {

    StepTimes {
        if (wallMillis.length != cpuMillis.length) {
            throw new IllegalArgumentException("StepTimes needs one CPU time per step, got " + wallMillis.length
                    + " elapsed and " + cpuMillis.length + " CPU times");
        }
        wallMillis = wallMillis.clone();
        cpuMillis = cpuMillis.clone();
    }

    /** Parses the worker's {@code WALL,CPU WALL,CPU ...}. */
    static StepTimes parse(String reply) {
        String[] steps = reply.trim().split(" ");
        double[] wall = new double[steps.length];
        double[] cpu = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            String[] pair = steps[i].split(",");
            if (pair.length != 2) {
                throw new IllegalStateException("the PyTorch worker sent '" + steps[i] + "' for a step; expected WALL,CPU");
            }
            wall[i] = Double.parseDouble(pair[0]);
            cpu[i] = Double.parseDouble(pair[1]);
        }
        return new StepTimes(wall, cpu);
    }
}
