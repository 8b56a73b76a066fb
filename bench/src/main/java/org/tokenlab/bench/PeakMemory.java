package org.tokenlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory now and at its peak (VmRSS, VmHWM from /proc), in MiB; -1 elsewhere. */
public final class PeakMemory {

    private PeakMemory() {}

    public static long residentMiB() {
        return read("VmRSS:");
    }

    public static long peakMiB() {
        return read("VmHWM:");
    }

    private static long read(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
