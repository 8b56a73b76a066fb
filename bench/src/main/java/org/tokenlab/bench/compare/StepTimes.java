package org.tokenlab.bench.compare;

/**
 * One round of steps on one side: the elapsed milliseconds of each step, and the CPU milliseconds
 * its process spent on the whole round (all threads; read per round because the JVM's process CPU
 * clock ticks in 10 ms). On a busy machine the elapsed time depends on what else runs, the CPU time
 * much less, so the two together show how much of a slowdown was waiting.
 */
record StepTimes(double[] wallMillis, double roundCpuMillis) {

    StepTimes {
        if (wallMillis.length == 0) {
            throw new IllegalArgumentException("StepTimes needs at least one step");
        }
        wallMillis = wallMillis.clone();
    }

    /** CPU milliseconds per step, averaged over the round. */
    double cpuPerStep() {
        return roundCpuMillis / wallMillis.length;
    }

    /** Parses the worker's {@code CPU WALL WALL ...}. */
    static StepTimes parse(String reply) {
        String[] words = reply.trim().split(" ");
        if (words.length < 2) {
            throw new IllegalStateException("the PyTorch worker sent '" + reply + "' for a round; expected CPU WALL WALL ...");
        }
        double[] wall = new double[words.length - 1];
        for (int i = 1; i < words.length; i++) {
            wall[i - 1] = Double.parseDouble(words[i]);
        }
        return new StepTimes(wall, Double.parseDouble(words[0]));
    }
}
