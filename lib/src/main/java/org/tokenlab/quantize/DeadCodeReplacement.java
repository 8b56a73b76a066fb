package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;

/**
 * Bookkeeping for the random restart of dead codes (Dhariwal et al. 2020, Jukebox; Zeghidour et al.
 * 2021, SoundStream): it counts how many feature rows each code receives over a window of training
 * steps, and when the window closes names the codes that received fewer than {@code minUsage}. The
 * quantizer then overwrites them with feature rows of the current batch, so a code that drifted away
 * from the data gets a second chance where the data is. The counts start afresh with each window.
 */
final class DeadCodeReplacement {

    private final double minUsage;
    private final int window;
    private final double[] usage;
    private int steps;

    DeadCodeReplacement(int size, double minUsage, int window) {
        this.minUsage = minUsage;
        this.window = window;
        this.usage = new double[size];
    }

    void saveState(TrainingState state) {
        state.putDoubles("usage", usage);
        state.putLong("steps", steps);
    }

    void loadState(TrainingState state) {
        double[] saved = state.getDoubles("usage");
        Checks.require(saved.length == usage.length, "dead-code usage for %d codes cannot be loaded into a codebook of %d",
                saved.length, usage.length);
        System.arraycopy(saved, 0, usage, 0, usage.length);
        steps = Math.toIntExact(state.getLong("steps"));
    }

    /**
     * Adds one training step's per-code {@code counts} {@code (K)}. Returns the codes to replace, in
     * increasing order, when this step closes the window; otherwise an empty array.
     */
    long[] record(NDArray counts) {
        float[] step = HostValues.floats(counts); // K values, one copy per step
        for (int k = 0; k < usage.length; k++) {
            usage[k] += step[k];
        }
        if (++steps < window) {
            return new long[0];
        }
        long[] dead = new long[usage.length];
        int found = 0;
        for (int k = 0; k < usage.length; k++) {
            if (usage[k] < minUsage) {
                dead[found++] = k;
            }
        }
        Arrays.fill(usage, 0);
        steps = 0;
        return Arrays.copyOf(dead, found);
    }
}
