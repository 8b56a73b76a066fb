package org.tokenlab;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The imports a JShell session with TokenLab starts with, for the notebook kernel and
 * {@code ./tokenlab jshell} alike.
 *
 * <p>The script is the Java, DJL, Tablesaw and XChart imports of {@value #COMMON_IMPORTS}, then one
 * {@code import org.tokenlab.<package>.*;} for each of the library's packages. Those are found on the
 * class path, not listed: every package under {@code org.tokenlab} with a public top-level class,
 * except packages with an {@code internal} segment and those the caller excludes (the notebook kernel
 * excludes its own). A jar or folder that adds a package, e.g. {@code org.tokenlab.video}, needs no
 * edit anywhere: a session that starts with it on the class path imports the package.
 *
 * <p>{@code java -cp CLASSPATH org.tokenlab.ShellStartup} prints the script for that class path;
 * {@code ./tokenlab jshell} writes it to a file and gives it to JShell's {@code --startup}.
 */
public final class ShellStartup {

    /** The library's packages all start with this. */
    public static final String ROOT_PACKAGE = "org.tokenlab";
    /** Class-path resource with the imports that do not come from the library. */
    public static final String COMMON_IMPORTS = "/org/tokenlab/startup.jsh";

    private static final String ROOT_PATH = ROOT_PACKAGE.replace('.', '/') + "/";
    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_SYNTHETIC = 0x1000;

    private ShellStartup() {}

    /** Prints the startup script for this JVM's class path. */
    public static void main(String[] args) {
        System.out.print(script(System.getProperty("java.class.path")));
    }

    /** The startup script for {@code classPath}, with every library package found there. */
    public static String script(String classPath) {
        return script(packages(classPath));
    }

    /** The common imports of {@value #COMMON_IMPORTS}, then one on-demand import per package. */
    public static String script(List<String> packages) {
        StringBuilder script = new StringBuilder(commonImports());
        if (script.length() > 0 && script.charAt(script.length() - 1) != '\n') {
            script.append('\n');
        }
        script.append("// TokenLab's packages, as found on the class path by org.tokenlab.ShellStartup\n");
        for (String p : packages) {
            script.append("import ").append(p).append(".*;\n");
        }
        return script.toString();
    }

    /** The text of {@value #COMMON_IMPORTS}. */
    public static String commonImports() {
        try (InputStream in = ShellStartup.class.getResourceAsStream(COMMON_IMPORTS)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + COMMON_IMPORTS + " is missing from the class path of "
                        + ShellStartup.class.getName() + "; rebuild the library");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + COMMON_IMPORTS, e);
        }
    }

    /**
     * The library's packages on {@code classPath} (folders and jars separated by the platform's path
     * separator; jars' manifest {@code Class-Path} entries are followed as {@code java} follows them),
     * sorted: each package under {@value #ROOT_PACKAGE} that has a public top-level class, except those
     * with an {@code internal} segment and those equal to or under one of {@code excluded}. Entries that
     * do not exist are skipped, as the JVM skips them.
     *
     * @throws IllegalArgumentException if {@code classPath} is null or an excluded prefix is blank
     */
    public static List<String> packages(String classPath, String... excluded) {
        if (classPath == null) {
            throw new IllegalArgumentException("classPath must not be null (an empty string means no entries)");
        }
        for (String e : excluded) {
            if (e == null || e.isBlank()) {
                throw new IllegalArgumentException("an excluded package must be a package name, got '" + e + "'");
            }
        }
        Set<String> found = new TreeSet<>();
        Deque<Path> pending = new ArrayDeque<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                pending.add(Path.of(entry));
            }
        }
        Set<Path> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            Path entry = pending.removeFirst().toAbsolutePath().normalize();
            if (!seen.add(entry)) {
                continue;
            }
            try {
                if (Files.isDirectory(entry)) {
                    scanFolder(entry, found);
                } else if (Files.isRegularFile(entry)) {
                    pending.addAll(scanJar(entry, found));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the class-path entry " + entry, e);
            }
        }
        List<String> packages = new ArrayList<>();
        for (String p : found) {
            if (!isInternal(p) && !isExcluded(p, excluded)) {
                packages.add(p);
            }
        }
        return packages;
    }

    private static boolean isInternal(String pkg) {
        return List.of(pkg.split("\\.")).contains("internal");
    }

    private static boolean isExcluded(String pkg, String[] excluded) {
        for (String e : excluded) {
            if (pkg.equals(e) || pkg.startsWith(e + ".")) {
                return true;
            }
        }
        return false;
    }

    private static void scanFolder(Path root, Set<String> found) throws IOException {
        Path base = root.resolve(ROOT_PATH);
        if (!Files.isDirectory(base)) {
            return;
        }
        List<Path> classes;
        try (Stream<Path> walk = Files.walk(base)) {
            classes = walk.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".class")).toList();
        }
        for (Path f : classes) {
            String name = root.relativize(f).toString().replace(File.separatorChar, '/');
            String pkg = candidatePackage(name);
            if (pkg != null && !found.contains(pkg)) {
                try (InputStream in = Files.newInputStream(f)) {
                    if (isPublicClass(in)) {
                        found.add(pkg);
                    }
                }
            }
        }
    }

    /** Adds the jar's library packages to {@code found}; returns the entries its manifest's Class-Path adds. */
    private static List<Path> scanJar(Path jar, Set<String> found) throws IOException {
        List<Path> more = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String pkg = candidatePackage(e.getName());
                if (pkg != null && !found.contains(pkg)) {
                    try (InputStream in = file.getInputStream(e)) {
                        if (isPublicClass(in)) {
                            found.add(pkg);
                        }
                    }
                }
            }
            Manifest manifest = file.getManifest();
            String extra = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (extra != null) {
                for (String url : extra.trim().split("\\s+")) {
                    Path p = manifestEntry(jar, url);
                    if (p != null) {
                        more.add(p);
                    }
                }
            }
        }
        return more;
    }

    /** A manifest Class-Path entry: a URL relative to the jar's folder, or a file: URL. */
    private static Path manifestEntry(Path jar, String url) {
        try {
            URI uri = jar.getParent().toUri().resolve(url);
            return "file".equals(uri.getScheme()) ? Path.of(uri) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The package of a top-level class file under the root package, or null for anything else. */
    private static String candidatePackage(String entryName) {
        if (!entryName.startsWith(ROOT_PATH) || !entryName.endsWith(".class")) {
            return null;
        }
        int slash = entryName.lastIndexOf('/');
        String simple = entryName.substring(slash + 1, entryName.length() - ".class".length());
        if (simple.contains("$") || simple.equals("package-info") || simple.equals("module-info")) {
            return null;
        }
        return entryName.substring(0, slash).replace('/', '.');
    }

    /** Whether a class file declares a public, non-synthetic class (read up to its access flags). */
    static boolean isPublicClass(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            return false;
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> in.skipNBytes(in.readUnsignedShort()); // Utf8
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> { // Long, Double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                default -> {
                    return true; // a newer class-file format: keep the package rather than lose it
                }
            }
        }
        int access = in.readUnsignedShort();
        return (access & ACC_PUBLIC) != 0 && (access & ACC_SYNTHETIC) == 0;
    }
}
