package org.tokenlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellStartupTest {

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|record|enum|@interface)\\s",
            Pattern.MULTILINE);

    @Test
    void everyPublicPackageOfTheLibraryAndNoInternalOne() throws Exception {
        List<String> found = ShellStartup.packages(libraryClasses().toString());
        assertEquals(new ArrayList<>(packagesWithPublicTypes(Path.of("src/main/java"))), found);
        assertTrue(found.containsAll(List.of("org.tokenlab.nn", "org.tokenlab.quantize", "org.tokenlab.engine")), found.toString());
        assertFalse(found.contains("org.tokenlab.internal"), found.toString());
    }

    @Test
    void aPackageAddedToTheClassPathAppears(@TempDir Path tmp) throws Exception {
        Path extra = tmp.resolve("extra");
        compile(extra, "package org.tokenlab.sketch; public final class Sketches {}",
                "package org.tokenlab.hidden; final class Helper { public static class Nested {} }",
                "package org.tokenlab.video.internal; public class Frames {}",
                "package org.other; public class Outside {}");
        Path library = libraryClasses();
        String classPath = library + File.pathSeparator + extra;

        List<String> found = ShellStartup.packages(classPath);
        assertTrue(found.contains("org.tokenlab.sketch"), found.toString());
        assertFalse(found.contains("org.tokenlab.hidden"), "a package without a public top-level class: " + found);
        assertFalse(found.contains("org.tokenlab.video.internal"), found.toString());
        assertFalse(found.contains("org.other"), found.toString());
        assertFalse(ShellStartup.packages(library.toString()).contains("org.tokenlab.sketch"));
        assertTrue(ShellStartup.script(classPath).contains("\nimport org.tokenlab.sketch.*;\n"));
    }

    @Test
    void jarsAndTheirManifestClassPathAreRead(@TempDir Path tmp) throws IOException {
        Path inJar = tmp.resolve("in-jar");
        compile(inJar, "package org.tokenlab.video; public class Videos {}");
        Path byManifest = tmp.resolve("lib/by-manifest");
        compile(byManifest, "package org.tokenlab.sequence; public interface Sequences {}");
        Path jar = jar(inJar, tmp.resolve("video.jar"), "lib/by-manifest/");

        assertEquals(List.of("org.tokenlab.sequence", "org.tokenlab.video"), ShellStartup.packages(jar.toString()));
    }

    @Test
    void excludedPackagesAndTheirSubpackagesAreLeftOut(@TempDir Path tmp) throws IOException {
        compile(tmp, "package org.tokenlab.kernel; public class Notebook {}",
                "package org.tokenlab.kernel.display; public class Pictures {}",
                "package org.tokenlab.kernels; public class Other {}");

        assertEquals(List.of("org.tokenlab.kernel", "org.tokenlab.kernel.display", "org.tokenlab.kernels"),
                ShellStartup.packages(tmp.toString()));
        assertEquals(List.of("org.tokenlab.kernels"), ShellStartup.packages(tmp.toString(), "org.tokenlab.kernel"));
    }

    @Test
    void missingEntriesAreSkippedAndBadArgumentsRefused(@TempDir Path tmp) {
        assertEquals(List.of(), ShellStartup.packages(tmp.resolve("absent.jar") + File.pathSeparator + tmp.resolve("absent")));
        assertEquals(List.of(), ShellStartup.packages(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShellStartup.packages(null));
        assertTrue(e.getMessage().startsWith("classPath must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShellStartup.packages("", " "));
        assertEquals("an excluded package must be a package name, got ' '", e.getMessage());
    }

    @Test
    void theScriptIsTheCommonImportsThenOneImportPerPackage() {
        String script = ShellStartup.script(List.of("org.tokenlab.data", "org.tokenlab.nn"));
        assertTrue(script.startsWith(ShellStartup.commonImports()), script);
        assertTrue(script.contains("import ai.djl.ndarray.*;\n"), script);
        assertTrue(script.endsWith("\nimport org.tokenlab.data.*;\nimport org.tokenlab.nn.*;\n"), script);
        assertFalse(ShellStartup.commonImports().contains("import org.tokenlab."),
                "startup.jsh lists a library package; they are found on the class path");
    }

    @Test
    void mainPrintsTheScriptForItsOwnClassPath() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.PrintStream before = System.out;
        try (java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            ShellStartup.main(new String[0]);
        } finally {
            System.setOut(before);
        }
        assertEquals(ShellStartup.script(System.getProperty("java.class.path")), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void classFileAccessFlagsAreRead() throws IOException {
        assertTrue(isPublic("org/tokenlab/ShellStartup.class"));
        assertTrue(isPublic("org/tokenlab/engine/EngineCheck.class"));
        assertFalse(isPublic("org/tokenlab/package-info.class"));
        assertFalse(isPublic("org/tokenlab/nn/ChannelSchedule.class"));
        assertFalse(isPublic("org/tokenlab/ShellStartupTest.class"));
    }

    /** The folder (or jar) the library's classes come from. */
    private static Path libraryClasses() {
        try {
            return Path.of(ShellStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isPublic(String resource) throws IOException {
        try (InputStream in = ShellStartup.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, resource);
            return ShellStartup.isPublicClass(in);
        }
    }

    /** Packages of {@code sources} whose files declare a public top-level type, without internal ones. */
    private static Set<String> packagesWithPublicTypes(Path sources) throws IOException {
        Set<String> packages = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).toList();
        }
        for (Path f : files) {
            if (PUBLIC_TYPE.matcher(Files.readString(f)).find()) {
                String pkg = sources.relativize(f.getParent()).toString().replace(File.separatorChar, '.');
                if (!pkg.contains("internal")) {
                    packages.add(pkg);
                }
            }
        }
        return packages;
    }

    /** Compiles the one-class {@code sources} into {@code classes} with javac. */
    private static void compile(Path classes, String... sources) throws IOException {
        Files.createDirectories(classes);
        Path src = Files.createTempDirectory(classes, "src");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString()));
        for (String source : sources) {
            var m = Pattern.compile("package ([\\w.]+);.*?(?:class|interface) (\\w+)").matcher(source);
            assertTrue(m.find(), source);
            Path file = src.resolve(m.group(1).replace('.', '/')).resolve(m.group(2) + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
            args.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = compiler.run(null, err, err, args.toArray(String[]::new));
        assertEquals(0, rc, "test classes did not compile: " + err.toString(StandardCharsets.UTF_8));
    }

    private static Path jar(Path classes, Path jarFile, String manifestClassPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, manifestClassPath);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jarFile); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Path f : files) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return jarFile;
    }
}
