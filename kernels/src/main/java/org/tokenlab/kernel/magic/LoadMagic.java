package org.tokenlab.kernel.magic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenlab.kernel.execution.CellResult;

/** {@code %load FILE}: runs a {@code .jsh} or {@code .java} file as if it were a cell. */
public final class LoadMagic implements LineMagic {

    private final JavaCode java;

    public LoadMagic(JavaCode java) {
        this.java = java;
    }

    @Override
    public CellResult run(String arguments) throws Exception {
        String name = arguments.strip();
        if (name.length() > 1 && (name.startsWith("\"") && name.endsWith("\"") || name.startsWith("'") && name.endsWith("'"))) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("%load expects a file, e.g. %load helpers.jsh");
        }
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("%load: no file " + file.toAbsolutePath()
                    + " (relative paths start from " + Path.of("").toAbsolutePath() + ")");
        }
        if (!(name.endsWith(".jsh") || name.endsWith(".java") || name.endsWith(".jshell"))) {
            throw new IllegalArgumentException("%load expects a .jsh or .java file, got " + file.getFileName());
        }
        try {
            return java.run(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("%load could not read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
