package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.kernel.execution.CellEvaluator;
import org.tokenlab.kernel.execution.CellResult;

class LoadMagicTest {

    @TempDir
    Path dir;

    private final List<String> handed = new ArrayList<>();
    private final LoadMagic recording = new LoadMagic(code -> {
        handed.add(code);
        return CellResult.of("done");
    });

    @Test
    void jshFileRunsThroughTheEvaluatorAndItsLastExpressionIsTheValue() throws Exception {
        Path file = Files.writeString(dir.resolve("helpers.jsh"), "int x = 6;\nint y = 7;\nx * y\n");
        try (CellEvaluator evaluator = CellEvaluator.create(System.getProperty("java.class.path"), List.of())) {
            LoadMagic magic = new LoadMagic(evaluator::eval);

            assertEquals(CellResult.of(42), magic.run(file.toString()));
            // the file's declarations stay defined afterwards
            assertEquals(CellResult.of(13), evaluator.eval("x + y"));
        }
    }

    @Test
    void theFileIsHandedToJavaCodeAsItIs() throws Exception {
        String text = "int a = 1;\nint b = 2;\na + b";
        Path file = Files.writeString(dir.resolve("code.java"), text);

        CellResult r = recording.run(file.toString());

        assertEquals(List.of(text), handed);
        assertEquals(CellResult.of("done"), r);
    }

    @Test
    void quotedFileNameIsUnquoted() throws Exception {
        Path file = Files.writeString(dir.resolve("with space.jsh"), "1");

        recording.run("\"" + file + "\"");
        recording.run("'" + file + "'");

        assertEquals(List.of("1", "1"), handed);
    }

    @Test
    void missingFileIsRejectedNamingIt() {
        Path missing = dir.resolve("nothere.jsh");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recording.run(missing.toString()));

        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());
        assertEquals(List.of(), handed);
    }

    @Test
    void wrongExtensionIsRejected() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "1 + 1");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recording.run(text.toString()));

        assertTrue(e.getMessage().contains(".jsh or .java"), e.getMessage());
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertEquals(List.of(), handed);
    }

    @Test
    void folderIsNotAFile() {
        assertThrows(IllegalArgumentException.class, () -> recording.run(dir.toString()));
    }

    @Test
    void emptyArgumentIsRejectedWithAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recording.run("  "));

        assertTrue(e.getMessage().contains("%load helpers.jsh"), e.getMessage());
    }
}
