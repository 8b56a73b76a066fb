package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.util.Locale;
import org.tokenlab.bench.PeakMemory;

/**
 * Resident memory of this process (VmRSS) over many VQGAN training steps: read after the first step,
 * after step 100 and every 100 steps after it, with the JVM heap beside it, so growth of native
 * memory (libtorch tensors that are never freed) shows apart from the Java heap settling.
 */
final class MemoryGrowth {

    private MemoryGrowth() {}

    static void run(PrintStream out, NDManager manager, int steps) {
        out.printf(Locale.ROOT, "%nresident memory of the Java side over %d VQGAN training steps (MiB):%n", steps);
        out.printf(Locale.ROOT, "%8s %9s %13s %13s%n", "step", "resident", "heap used", "heap committed");
        long atHundred = -1;
        long last = -1;
        try (Workload vqgan = Model.VQGAN_TRAIN.create(manager)) {
            for (int step = 1; step <= steps; step++) {
                vqgan.step();
                if (step == 1 || step % 100 == 0 || step == steps) {
                    last = PeakMemory.residentMiB();
                    if (step == 100) {
                        atHundred = last;
                    }
                    Runtime rt = Runtime.getRuntime();
                    out.printf(Locale.ROOT, "%8d %9d %13d %13d%n", step, last, (rt.totalMemory() - rt.freeMemory()) >> 20,
                            rt.totalMemory() >> 20);
                }
            }
        }
        if (atHundred >= 0 && steps > 100) {
            out.printf(Locale.ROOT, "growth from step 100 to step %d: %+d MiB%n", steps, last - atHundred);
        }
    }
}
