package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.util.Locale;
import org.tokenlab.bench.PeakMemory;

/**
 * Resident memory of this process (VmRSS) over many VQGAN training steps: read after the first step,
 * after step 100 and every 100 steps after it, with the JVM heap beside it. Run with a fixed heap
 * that is touched at start ({@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch}, as {@code ./tokenlab bench}
 * does), so the heap is resident from the first line and any growth is native memory (libtorch's
 * tensors and allocator) rather than the Java heap filling its young generation.
 */
final class MemoryGrowth {

    private MemoryGrowth() {}

    static void run(PrintStream out, NDManager manager, int steps) {
        Runtime rt = Runtime.getRuntime();
        boolean fixedHeap = rt.totalMemory() == rt.maxMemory();
        out.printf(Locale.ROOT, "%nresident memory of the Java side over %d VQGAN training steps (MiB)%s:%n", steps,
                fixedHeap ? "" : "; the heap is not fixed, so part of any growth may be the Java heap (use -Xms = -Xmx "
                        + "and -XX:+AlwaysPreTouch)");
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
