package org.tokenlab.kernel.magic;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tokenlab.kernel.execution.CellResult;

/**
 * {@code %classpath PATH...} adds folders and jars; {@code %jars JAR...} adds jar files only. Both
 * take several entries (separated by spaces or the path separator) and a {@code *} glob in the
 * file name, e.g. {@code %jars lib/*.jar}. Relative paths are resolved against the working
 * directory (the notebook's folder).
 */
public final class ClassPathMagic implements LineMagic {

    private final boolean jarsOnly;
    private final Consumer<String> classPath;
    private final Supplier<PrintStream> out;

    public ClassPathMagic(boolean jarsOnly, Consumer<String> classPath, Supplier<PrintStream> out) {
        this.jarsOnly = jarsOnly;
        this.classPath = classPath;
        this.out = out;
    }

    @Override
    public CellResult run(String arguments) throws IOException {
        String name = jarsOnly ? "%jars" : "%classpath";
        String[] entries = arguments.isBlank() ? new String[0] : arguments.split("[\\s" + File.pathSeparator + "]+");
        if (entries.length == 0) {
            throw new IllegalArgumentException(name + " expects one or more " + (jarsOnly ? "jar files" : "jars or folders")
                    + ", e.g. " + name + (jarsOnly ? " lib/*.jar" : " target/classes"));
        }
        List<Path> added = new ArrayList<>();
        for (String entry : entries) {
            for (Path p : expand(name, entry)) {
                if (jarsOnly && !(Files.isRegularFile(p) && p.toString().endsWith(".jar"))) {
                    throw new IllegalArgumentException("%jars expects jar files, got " + p
                            + "; use %classpath for folders of classes");
                }
                classPath.accept(p.toAbsolutePath().toString());
                added.add(p);
            }
        }
        out.get().println("Added to the class path: " + added.size() + (added.size() == 1 ? " entry" : " entries"));
        return CellResult.NONE;
    }

    private static List<Path> expand(String magic, String entry) throws IOException {
        Path path = Path.of(entry);
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!file.contains("*")) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(magic + ": " + path.toAbsolutePath() + " does not exist "
                        + "(relative paths start from " + Path.of("").toAbsolutePath() + ")");
            }
            return List.of(path);
        }
        Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, file)) {
                s.forEach(out::add);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(magic + ": nothing matches " + entry + " in " + dir.toAbsolutePath());
        }
        out.sort(null);
        return out;
    }
}
