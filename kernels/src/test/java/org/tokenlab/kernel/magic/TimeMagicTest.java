package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.kernel.execution.CellResult;

class TimeMagicTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final List<String> handed = new ArrayList<>();
    private final CellResult result = CellResult.of(42);
    private final TimeMagic magic = new TimeMagic(code -> {
        handed.add(code);
        return result;
    }, () -> out);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void lineMagicRunsTheCodePrintsWallTimeAndReturnsTheResult() throws Exception {
        CellResult r = magic.run("fib(30)");

        assertSame(result, r);
        assertEquals(List.of("fib(30)"), handed);
        assertTrue(printed().startsWith("Wall time: "), printed());
        assertEquals(1, printed().lines().count(), printed());
    }

    @Test
    void cellMagicTimesTheBody() throws Exception {
        CellResult r = magic.run("ignored args", "int a = 1;\na + 1");

        assertSame(result, r);
        assertEquals(List.of("int a = 1;\na + 1"), handed);
        assertTrue(printed().startsWith("Wall time: "), printed());
    }

    @Test
    void timeIsPrintedEvenWhenTheCodeThrows() {
        TimeMagic failing = new TimeMagic(code -> {
            throw new IllegalStateException("boom");
        }, () -> out);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.run("x"));

        assertEquals("boom", e.getMessage());
        assertTrue(printed().startsWith("Wall time: "), printed());
    }

    @Test
    void emptyArgumentIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> magic.run("   "));

        assertTrue(e.getMessage().contains("%%time"), e.getMessage());
        assertEquals(List.of(), handed);
        assertEquals("", printed());
    }

    @Test
    void formatPicksMicrosecondsMillisecondsOrSeconds() {
        assertEquals("0.5 µs", TimeMagic.format(500));
        assertEquals("999.9 µs", TimeMagic.format(999_900));
        assertEquals("1.5 ms", TimeMagic.format(1_500_000));
        assertEquals("250.0 ms", TimeMagic.format(250_000_000));
        assertEquals("2.00 s", TimeMagic.format(2_000_000_000L));
        assertEquals("61.25 s", TimeMagic.format(61_250_000_000L));
    }
}
