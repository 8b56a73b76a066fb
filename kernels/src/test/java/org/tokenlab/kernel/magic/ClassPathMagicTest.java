package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.kernel.execution.CellEvaluator;
import org.tokenlab.kernel.execution.CellResult;

class ClassPathMagicTest {

    @TempDir
    static Path work;

    static CellEvaluator evaluator;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private ClassPathMagic jars;
    private ClassPathMagic classpath;

    @BeforeAll
    static void start() {
        evaluator = CellEvaluator.create(System.getProperty("java.class.path"), List.of());
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    @BeforeEach
    void magics() {
        jars = new ClassPathMagic(true, evaluator::addToClasspath, () -> out);
        classpath = new ClassPathMagic(false, evaluator::addToClasspath, () -> out);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jarAddedWithJarsCanBeUsedFromACell() throws Exception {
        Path jar = TestJars.classJar(work, "demo.Hello", "hi", "hi");

        CellResult r = jars.run(jar.toString());

        assertEquals(CellResult.NONE, r);
        assertEquals(CellResult.of("hi"), evaluator.eval("demo.Hello.hi()"));
        assertEquals("Added to the class path: 1 entry" + System.lineSeparator(), printed());
    }

    @Test
    void globAddsEveryMatchingJar() throws Exception {
        Path dir = Files.createDirectories(work.resolve("globbed"));
        Path one = TestJars.classJar(work, "demo.GlobOne", "name", "one");
        Path two = TestJars.classJar(work, "demo.GlobTwo", "name", "two");
        Files.move(one, dir.resolve("one.jar"));
        Files.move(two, dir.resolve("two.jar"));
        Files.writeString(dir.resolve("readme.txt"), "not a jar");

        jars.run(dir + "/*.jar");

        assertEquals(CellResult.of("one two"), evaluator.eval("demo.GlobOne.name() + \" \" + demo.GlobTwo.name()"));
        assertEquals("Added to the class path: 2 entries" + System.lineSeparator(), printed());
    }

    @Test
    void severalEntriesSeparatedBySpacesAndPathSeparator() throws Exception {
        List<Path> added = new ArrayList<>();
        ClassPathMagic recording = new ClassPathMagic(true, p -> added.add(Path.of(p)), () -> out);
        Path a = Files.writeString(work.resolve("sep-a.jar"), "");
        Path b = Files.writeString(work.resolve("sep-b.jar"), "");
        Path c = Files.writeString(work.resolve("sep-c.jar"), "");

        recording.run(a + "  " + b + java.io.File.pathSeparator + c);

        assertEquals(List.of(a, b, c), added);
    }

    @Test
    void classpathAcceptsAFolderOfClasses() throws Exception {
        Path classes = work.resolve("folder-classes");
        TestJars.compile(classes, "demo.InFolder", TestJars.source("demo.InFolder", "where", "\"folder\""));

        classpath.run(classes.toString());

        assertEquals(CellResult.of("folder"), evaluator.eval("demo.InFolder.where()"));
    }

    @Test
    void missingFileIsRejectedNamingThePath() {
        Path missing = work.resolve("no-such.jar");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jars.run(missing.toString()));

        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void globMatchingNothingIsRejectedNamingTheFolder() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jars.run(empty + "/*.jar"));

        assertTrue(e.getMessage().contains("nothing matches"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void jarsRejectsAFileThatIsNotAJar() throws Exception {
        Path text = Files.writeString(work.resolve("notes.txt"), "hello");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jars.run(text.toString()));

        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("%classpath"), e.getMessage());
    }

    @Test
    void jarsRejectsAFolder() throws Exception {
        Path dir = Files.createDirectories(work.resolve("a-folder"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jars.run(dir.toString()));

        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void emptyArgumentIsRejectedWithAnExample() {
        IllegalArgumentException jarsError = assertThrows(IllegalArgumentException.class, () -> jars.run("  "));
        IllegalArgumentException cpError = assertThrows(IllegalArgumentException.class, () -> classpath.run(""));

        assertTrue(jarsError.getMessage().contains("%jars lib/*.jar"), jarsError.getMessage());
        assertTrue(cpError.getMessage().contains("%classpath target/classes"), cpError.getMessage());
    }
}
