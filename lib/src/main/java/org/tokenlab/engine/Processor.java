package org.tokenlab.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The processor this JVM runs on, as {@code /proc/cpuinfo} names it (vendor, model name, family), so
 * that a self-check's verdict says where it was made. The same commit can be right on one processor
 * and wrong on another of the same vendor.
 *
 * @param vendor e.g. {@code AuthenticAMD}
 * @param modelName e.g. {@code AMD EPYC}
 * @param family the CPU family number, e.g. 26 for AMD Zen 5; -1 when unknown
 */
public record Processor(String vendor, String modelName, int family) {

    /** This machine's processor; fields it cannot read are {@code unknown} (-1 for the family). */
    public static Processor current() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new Processor("unknown", System.getProperty("os.arch", "unknown"), -1);
        }
    }

    /** Reads the first processor's fields from the lines of {@code /proc/cpuinfo}. */
    static Processor parse(List<String> cpuinfo) {
        String vendor = field(cpuinfo, "vendor_id");
        String model = field(cpuinfo, "model name");
        int family;
        try {
            family = Integer.parseInt(field(cpuinfo, "cpu family"));
        } catch (NumberFormatException e) {
            family = -1;
        }
        return new Processor(vendor, model, family);
    }

    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }

    @Override
    public String toString() {
        return modelName + " (" + vendor + ", CPU family " + (family < 0 ? "unknown" : family) + ")";
    }
}
