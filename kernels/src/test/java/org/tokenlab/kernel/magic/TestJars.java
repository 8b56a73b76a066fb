package org.tokenlab.kernel.magic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds classes, jars and a fake local Maven repository at test time. */
final class TestJars {

    private TestJars() {}

    /**
     * Compiles {@code source} (the public class {@code className}, fully qualified) into
     * {@code classesDir}, compiling against {@code classPath} folders or jars.
     */
    static Path compile(Path classesDir, String className, String source, Path... classPath) throws IOException {
        Path srcDir = Files.createTempDirectory(classesDir.getParent(), "src");
        Path file = srcDir.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Files.createDirectories(classesDir);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classesDir.toString()));
        if (classPath.length > 0) {
            args.add("-cp");
            args.add(Stream.of(classPath).map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        }
        args.add(file.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = compiler.run(null, err, err, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test class did not compile: " + err.toString(StandardCharsets.UTF_8));
        }
        return classesDir;
    }

    /** Writes every file under {@code classesDir} into the jar {@code jarFile}. */
    static Path jar(Path classesDir, Path jarFile) throws IOException {
        Files.createDirectories(jarFile.getParent());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classesDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jarFile); JarOutputStream jar = new JarOutputStream(out)) {
            for (Path f : files) {
                jar.putNextEntry(new JarEntry(classesDir.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return jarFile;
    }

    /** A class with one static method returning a constant string, compiled and jarred. */
    static Path classJar(Path work, String className, String method, String value) throws IOException {
        Path classes = Files.createTempDirectory(work, "classes");
        compile(classes, className, source(className, method, "\"" + value + "\""));
        return jar(classes, work.resolve(className.replace('.', '-') + ".jar"));
    }

    static String source(String className, String method, String expression) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "public class " + className.substring(dot + 1) + " {\n"
                + "    public static String " + method + "() { return " + expression + "; }\n"
                + "}\n";
    }

    /**
     * A local repository (layout group/path/artifact/version/artifact-version.jar and .pom) holding
     * {@code org.example:b:1.0} with class {@code demob.Helper} and {@code org.example:a:1.0} with
     * class {@code demoa.Greeter}, which calls B; A depends on B in runtime scope.
     */
    static Path fakeRepository(Path root) throws IOException {
        Path repo = Files.createDirectories(root.resolve("repo"));
        Path work = Files.createDirectories(root.resolve("build"));

        Path bClasses = work.resolve("b-classes");
        compile(bClasses, "demob.Helper", source("demob.Helper", "name", "\"b\""));
        Path bDir = Files.createDirectories(repo.resolve("org/example/b/1.0"));
        jar(bClasses, bDir.resolve("b-1.0.jar"));
        Files.writeString(bDir.resolve("b-1.0.pom"), pom("b", ""));

        Path aClasses = work.resolve("a-classes");
        compile(aClasses, "demoa.Greeter", source("demoa.Greeter", "greet", "\"hello from a and \" + demob.Helper.name()"),
                bClasses);
        Path aDir = Files.createDirectories(repo.resolve("org/example/a/1.0"));
        jar(aClasses, aDir.resolve("a-1.0.jar"));
        Files.writeString(aDir.resolve("a-1.0.pom"), pom("a", """
                  <dependencies>
                    <dependency>
                      <groupId>org.example</groupId>
                      <artifactId>b</artifactId>
                      <version>1.0</version>
                      <scope>runtime</scope>
                    </dependency>
                  </dependencies>
                """));
        return repo;
    }

    private static String pom(String artifact, String dependencies) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.example</groupId>
                  <artifactId>%s</artifactId>
                  <version>1.0</version>
                  <packaging>jar</packaging>
                %s</project>
                """.formatted(artifact, dependencies);
    }
}
