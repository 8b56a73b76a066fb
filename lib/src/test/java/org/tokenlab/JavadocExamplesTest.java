package org.tokenlab;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tokenlab.JavadocExamples.Example;
import org.tokenlab.JavadocExamples.Found;
import org.tokenlab.JavadocExamples.Stray;

/**
 * Every {@code jshell>} example in the library's javadoc compiles against the library, with the
 * imports {@code ./tokenlab jshell} and the notebook kernel start with ({@link ShellStartup}).
 *
 * <p>Examples are compiled, not run ({@link ExampleShell}). The variables they use without declaring
 * them come from {@link #FIXTURES}; a name missing there fails the test with a hint to add it.
 */
class JavadocExamplesTest {

    /** The library's sources, from the module folder where the tests run. */
    static final Path SOURCES = Path.of("src/main/java");

    /**
     * The variables examples use without declaring them, and their types (as a user would declare them
     * after the startup imports). An example that needs a new one: add a row. A name has one type in all
     * examples, so examples call the same thing by the same name.
     */
    static final Map<String, String> FIXTURES = Map.ofEntries(
            // tensors and where they live
            entry("manager", "NDManager"),
            entry("scope", "NDManager"),
            entry("images", "NDArray"),
            entry("labels", "NDArray"),
            entry("testImages", "NDArray"),
            entry("reconstruction", "NDArray"),
            entry("batch", "NDArray"),
            entry("video", "NDArray"),
            entry("data", "NDArray"),
            entry("ids", "NDArray"),
            entry("x", "NDArray"),
            entry("grids", "NDArray"),
            entry("seq", "NDArray"),
            entry("prefix", "NDArray"),
            entry("token", "NDArray"),
            entry("sampled", "NDArray"),
            entry("codes", "long[]"),
            entry("background", "long"),
            entry("ps", "ai.djl.training.ParameterStore"),
            // losses
            entry("dReal", "NDArray"),
            entry("dFake", "NDArray"),
            entry("recGradient", "NDArray"),
            entry("ganGradient", "NDArray"),
            // data
            entry("mnist", "Mnist"),
            entry("batches", "RandomBatches"),
            entry("clips", "NDArray"),
            entry("clipLabels", "int[]"),
            entry("tokens", "org.tokenlab.magvit.TaskTokens"),
            entry("heldOut", "org.tokenlab.magvit.TaskTokens"),
            // quantizers and their output
            entry("vq", "VectorQuantizer"),
            entry("lfq", "LookupFreeQuantizer"),
            entry("output", "QuantizerOutput"),
            // models
            entry("tokenizer", "VqganTokenizer"),
            entry("vqgan", "VqganTokenizer"),
            entry("discriminator", "PatchDiscriminator"),
            entry("autoencoder", "PatchAutoencoder"),
            entry("gpt", "TokenTransformer"),
            entry("model", "TokenTransformer"),
            // training
            entry("gan", "GanTrainer"),
            entry("log", "TrainingLog"),
            entry("progress", "TrainingProgress"),
            entry("trainer", "StepTrainer"),
            entry("step", "int"),
            entry("metrics", "Map<String, Double>"));

    static ExampleShell shell;
    static Found found;
    /** What checking the library's examples found wrong, and which fixtures they used. */
    static List<String> problems;
    static Set<String> fixturesUsed;

    @BeforeAll
    static void checkTheLibrarysExamples() {
        String classPath = System.getProperty("java.class.path");
        shell = new ExampleShell(classPath, ShellStartup.script(classPath), FIXTURES);
        found = JavadocExamples.under(SOURCES);
        problems = new ArrayList<>();
        for (Example example : found.examples()) {
            problems.addAll(shell.check(example));
        }
        fixturesUsed = shell.fixturesUsed();
    }

    @AfterAll
    static void stop() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void everyExampleCompiles() {
        assertFalse(found.examples().isEmpty(), "no jshell> example found under " + SOURCES.toAbsolutePath());
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + found.examples().size() + " javadoc examples (" + found.snippetCount()
                    + " snippets) do not compile against the library (each snippet compiled with the startup imports "
                    + "and FIXTURES):\n\n"
                    + String.join("\n\n", problems));
        }
    }

    @Test
    void everyPromptIsInsideACodeBlock() {
        List<String> strays = new ArrayList<>();
        for (Stray s : found.strays()) {
            strays.add(s.file() + ":" + s.line() + ": " + s.text());
        }
        assertTrue(strays.isEmpty(), "prompts outside a <pre>{@code ...}</pre> block (or a '...>' that continues no "
                + "'jshell>' line) are not checked; put the example in such a block:\n" + String.join("\n", strays));
    }

    @Test
    void everyFixtureIsUsedByAnExample() {
        Set<String> unused = new TreeSet<>(FIXTURES.keySet());
        unused.removeAll(fixturesUsed);
        assertTrue(unused.isEmpty(), "FIXTURES declares variables that no example uses; remove them: " + unused);
    }

    @Test
    void aWrongMethodFailsWithFileLineAndTheCompilersMessage() {
        Found one = JavadocExamples.in(Path.of("org/example/Wrong.java"), """
                /**
                 * Makes an encoder.
                 *
                 * <pre>{@code
                 * jshell> var encoder = VqganEncoder.builder().setImageChannels(1).setLatentChannels(16).build();
                 * jshell> var wrong = VqganEncoder.builder()
                 *    ...>     .setInputChannels(1).build();
                 * jshell> encoder.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 32, 32));
                 * }</pre>
                 */
                """);
        assertEquals(1, one.examples().size());
        List<String> problems = shell.check(one.examples().get(0));
        assertEquals(1, problems.size(), problems.toString());
        String p = problems.get(0);
        assertTrue(p.startsWith("org/example/Wrong.java:7: cannot find symbol"), p);
        assertTrue(p.contains("symbol:   method setInputChannels(int)"), p);
        assertTrue(p.contains("jshell> var wrong = VqganEncoder.builder()\n     ...>     .setInputChannels(1).build();"), p);
        assertTrue(p.contains("(1 later snippet of this example not checked)"), p);
    }

    @Test
    void wrongArgumentTypesFail() {
        List<String> problems = shell.check(example("jshell> Psnr.of(images, 1.0)"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("T.java:2: "), problems.get(0));
        assertTrue(problems.get(0).contains("Psnr.of"), problems.get(0));
    }

    @Test
    void anUndeclaredVariableNamesTheFixtureTable() {
        List<String> problems = shell.check(example("jshell> Psnr.of(reconstruction, someImages)"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("symbol:   variable someImages"), problems.get(0));
        assertTrue(problems.get(0).contains("'someImages' is declared neither by an earlier line of this example nor in "
                + "JavadocExamplesTest.FIXTURES"), problems.get(0));
    }

    @Test
    void anIncompleteSnippetFails() {
        List<String> problems = shell.check(example("jshell> var x = List.of(1,"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("ends before it is complete"), problems.get(0));
    }

    @Test
    void laterSnippetsSeeEarlierOnesAndExamplesDoNotSeeEachOther() {
        assertEquals(List.of(), shell.check(example("jshell> int answer = 42;\njshell> answer + 1")));
        List<String> problems = shell.check(example("jshell> answer + 1"));
        assertEquals(1, problems.size(), "a variable of an earlier example leaked: " + problems);
    }

    @Test
    void outputLinesAreNotCode() {
        Found one = JavadocExamples.in(Path.of("T.java"), """
                 * <pre>{@code
                 * jshell> var fsq = FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_10);
                 * jshell> fsq.codebookSize()
                 * $2 ==> 1000
                 * jshell> fsq.codebookSize() + 1
                 * this line is output, not Java
                 * }</pre>
                """);
        Example e = one.examples().get(0);
        assertEquals(3, e.snippets().size());
        assertEquals(List.of(5), e.snippets().get(2).lines());
        assertEquals(List.of(), shell.check(e));
    }

    @Test
    void promptsOutsideACodeBlockAreStrays() {
        Found one = JavadocExamples.in(Path.of("T.java"), """
                 * <pre>
                 * jshell> Psnr.of(a, b)
                 * </pre>
                 *    ...> continues nothing
                """);
        assertEquals(List.of(), one.examples());
        assertEquals(List.of(2, 4), one.strays().stream().map(Stray::line).toList());
    }

    @Test
    void anUnclosedBlockIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JavadocExamples.in(Path.of("T.java"), " * <pre>{@code\n * jshell> 1 + 1\n"));
        assertEquals("T.java:1: <pre>{@code has no }</pre>", e.getMessage());
    }

    @Test
    void freeIdentifiersSkipMembersStringsAndComments() {
        assertEquals(Set.of("x", "images", "List", "manager"), ExampleShell.freeIdentifiers(
                "x = images.add(1e-3f).mul(List.of(\"labels\").size()) /* ps */ + manager::close; // step"));
    }

    /** One example in a file T.java, the block starting on line 1. */
    private static Example example(String prompts) {
        String body = prompts.lines().map(l -> " * " + l).reduce((a, b) -> a + "\n" + b).orElse("");
        return JavadocExamples.in(Path.of("T.java"), " * <pre>{@code\n" + body + "\n * }</pre>\n").examples().get(0);
    }
}
