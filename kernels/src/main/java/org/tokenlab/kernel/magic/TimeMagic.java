package org.tokenlab.kernel.magic;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;
import org.tokenlab.kernel.execution.CellResult;

/**
 * {@code %time CODE} and {@code %%time}: runs the code and prints its wall time and the CPU time of
 * the whole process (all threads, native ones included, so multi-threaded tensor code shows
 * CPU time above wall time). The code's value is returned as usual.
 */
public final class TimeMagic implements LineMagic, CellMagic {

    private final JavaCode java;
    private final Supplier<PrintStream> out;

    public TimeMagic(JavaCode java, Supplier<PrintStream> out) {
        this.java = java;
        this.out = out;
    }

    @Override
    public CellResult run(String arguments) throws Exception {
        if (arguments.isBlank()) {
            throw new IllegalArgumentException("%time expects code on the same line, e.g. %time fib(30); "
                    + "use %%time on the first line to time a whole cell");
        }
        return time(arguments);
    }

    @Override
    public CellResult run(String arguments, String body) throws Exception {
        return time(body);
    }

    private CellResult time(String code) throws Exception {
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try {
            return java.run(code);
        } finally {
            long wall = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            out.get().println("Wall time: " + format(wall) + (cpu0 >= 0 ? ", CPU time (process): " + format(cpu) : ""));
        }
    }

    static String format(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }
}
