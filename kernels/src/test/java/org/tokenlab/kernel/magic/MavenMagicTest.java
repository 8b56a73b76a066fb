package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.kernel.execution.CellEvaluator;
import org.tokenlab.kernel.execution.CellResult;

class MavenMagicTest {

    @TempDir
    static Path work;

    static Path repo;
    static MavenResolver resolver;
    static CellEvaluator evaluator;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        repo = TestJars.fakeRepository(work);
        resolver = new MavenResolver(repo, null);
        evaluator = CellEvaluator.create(System.getProperty("java.class.path"), List.of());
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    @Test
    void classOfTheArtifactAndOfItsDependencyCanBeUsedFromACell() throws Exception {
        MavenMagic magic = new MavenMagic(resolver, evaluator::addToClasspath, () -> out);

        CellResult r = magic.run("org.example:a:1.0");

        assertEquals(CellResult.NONE, r);
        // Greeter (in a.jar) calls Helper (in b.jar): both jars are on the class path
        assertEquals(CellResult.of("hello from a and b"), evaluator.eval("demoa.Greeter.greet()"));
        assertEquals("Added org.example:a:1.0 (2 jars from " + repo + ")" + System.lineSeparator(),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void severalCoordinatesAreResolvedInOrder() {
        List<String> added = new ArrayList<>();
        MavenMagic magic = new MavenMagic(resolver, added::add, () -> out);

        magic.run("org.example:b:1.0   org.example:a:1.0");

        assertEquals(3, added.size());
        assertTrue(added.get(0).endsWith("b-1.0.jar"), added.get(0));
        assertTrue(added.get(1).endsWith("a-1.0.jar"), added.get(1));
        assertTrue(added.get(2).endsWith("b-1.0.jar"), added.get(2));
        assertEquals("Added org.example:b:1.0 (1 jar from " + repo + ")" + System.lineSeparator()
                        + "Added org.example:a:1.0 (2 jars from " + repo + ")" + System.lineSeparator(),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void emptyArgumentIsRejectedWithAnExample() {
        MavenMagic magic = new MavenMagic(resolver, p -> {}, () -> out);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> magic.run(" "));

        assertTrue(e.getMessage().contains("group:artifact:version"), e.getMessage());
    }

    @Test
    void missingArtifactAddsNothing() {
        List<String> added = new ArrayList<>();
        MavenMagic magic = new MavenMagic(resolver, added::add, () -> out);

        assertThrows(IllegalArgumentException.class, () -> magic.run("org.example:nothere:1.0"));

        assertEquals(List.of(), added);
    }
}
