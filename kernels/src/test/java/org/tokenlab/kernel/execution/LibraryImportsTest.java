package org.tokenlab.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.ShellStartup;

/**
 * The kernel imports the library's packages as found on its class path, the way
 * {@code ./tokenlab jshell} does: every public package, no internal one, and a package that a new jar
 * or folder brings.
 */
class LibraryImportsTest {

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    static final String CLASS_PATH = System.getProperty("java.class.path");
    static CellEvaluator eval;

    @BeforeAll
    static void start() {
        eval = CellEvaluator.withLibrary(CLASS_PATH, List.of());
    }

    @AfterAll
    static void stop() {
        if (eval != null) {
            eval.close();
        }
    }

    @Test
    void everyPublicPackageOfTheLibraryIsImported() throws Exception {
        Map<String, List<String>> publicTypes = libraryPublicTypes();
        assertTrue(publicTypes.keySet().containsAll(List.of("org.tokenlab.nn", "org.tokenlab.engine", "org.tokenlab.quantize")),
                publicTypes.keySet().toString());
        assertEquals(new ArrayList<>(publicTypes.keySet()), eval.libraryPackages());

        // each public class by its simple name: imported, and not ambiguous with another import
        List<String> names = publicTypes.values().stream().flatMap(List::stream).sorted().toList();
        String cell = "List<Class<?>> libraryClasses = List.of("
                + names.stream().map(n -> n + ".class").collect(Collectors.joining(", ")) + ");\nlibraryClasses.size()";
        assertEquals(names.size(), eval.eval(cell).value());
    }

    @Test
    void internalAndKernelPackagesAreNotImported() {
        assertFalse(eval.libraryPackages().stream().anyMatch(p -> p.contains("internal") || p.startsWith("org.tokenlab.kernel")),
                eval.libraryPackages().toString());
        for (String cell : List.of("Checks.class", "Scalars.class", "Pictures.class", "ClassPathMagic.class")) {
            CompilationException e = assertThrows(CompilationException.class, () -> eval.eval(cell), cell);
            assertTrue(e.getMessage().contains("cannot find symbol"), e.getMessage());
        }
    }

    @Test
    void aPackageAddedToTheClassPathIsImported(@TempDir Path tmp) throws Exception {
        Path classes = compile(tmp, "package org.tokenlab.sketch;\n"
                + "public final class SketchPad { public static String hello() { return \"sketched\"; } }");
        assertThrows(CompilationException.class, () -> eval.eval("SketchPad.hello()"));
        try (CellEvaluator withSketch = CellEvaluator.withLibrary(CLASS_PATH + File.pathSeparator + classes, List.of())) {
            assertTrue(withSketch.libraryPackages().contains("org.tokenlab.sketch"), withSketch.libraryPackages().toString());
            assertEquals("sketched", withSketch.eval("SketchPad.hello()").value());
        }
    }

    @Test
    void theKernelRunsTheSameImportsAsTheShellScript() {
        assertEquals(ShellStartup.packages(CLASS_PATH, CellEvaluator.KERNEL_PACKAGE), eval.libraryPackages());
        assertFalse(ShellStartup.commonImports().contains("import org.tokenlab."), ShellStartup.commonImports());
    }

    @Test
    void inspectShowsJavadocFromEveryLibraryPackage() {
        // org.tokenlab.engine was missing from the list this came from before
        String code = "org.tokenlab.engine.EngineCheck.ensure";
        List<String> docs = eval.documentation(code, code.length());
        assertEquals(1, docs.size(), docs.toString());
        assertTrue(docs.get(0).contains("Runs the check and applies its fix the first time"), docs.get(0));
    }

    /** Public top-level types of the library's sources bundled beside its classes, by package, internal ones left out. */
    private static Map<String, List<String>> libraryPublicTypes() throws Exception {
        URI location = ShellStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path root = Path.of(location);
        if (Files.isDirectory(root)) {
            return publicTypes(root.resolve("META-INF/tokenlab-sources"));
        }
        try (FileSystem jar = FileSystems.newFileSystem(root)) {
            return publicTypes(jar.getPath("META-INF/tokenlab-sources"));
        }
    }

    private static Map<String, List<String>> publicTypes(Path sources) throws IOException {
        assertTrue(Files.isDirectory(sources), "the library's bundled sources are missing: " + sources.toUri());
        Map<String, List<String>> types = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            Matcher m = PUBLIC_TYPE.matcher(Files.readString(f));
            String pkg = sources.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".");
            if (m.find() && !List.of(pkg.split("\\.")).contains("internal")) {
                types.computeIfAbsent(pkg, k -> new ArrayList<>()).add(m.group(1));
            }
        }
        types.values().forEach(l -> l.sort(null));
        return types;
    }

    private static Path compile(Path tmp, String source) throws IOException {
        Matcher m = Pattern.compile("package ([\\w.]+);.*?class (\\w+)", Pattern.DOTALL).matcher(source);
        assertTrue(m.find(), source);
        Path file = tmp.resolve("src").resolve(m.group(1).replace('.', '/')).resolve(m.group(2) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = compiler.run(null, err, err, "-d", classes.toString(), file.toString());
        assertEquals(0, rc, "test class did not compile: " + err.toString(StandardCharsets.UTF_8));
        return classes;
    }
}
