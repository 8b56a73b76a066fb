package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.kernel.execution.CellResult;

class MagicsTest {

    /** What ran, in order: "java:<code>", "%name:<args>" or "%%name:<args>|<body>". */
    private final List<String> calls = new ArrayList<>();

    private final JavaCode java = code -> {
        calls.add("java:" + code);
        return CellResult.of("java result");
    };

    private Magics magics() {
        return new Magics()
                .lineMagic("foo", args -> {
                    calls.add("%foo:" + args);
                    return CellResult.of("foo result");
                })
                .lineMagic("classpath", args -> CellResult.NONE)
                .cellMagic("time", (args, body) -> {
                    calls.add("%%time:" + args + "|" + body);
                    return CellResult.of("time result");
                });
    }

    @Test
    void javaBeforeALineMagicRunsFirstThenTheMagic() throws Exception {
        CellResult r = magics().run("int a = 1;\n%foo\n", java);

        assertEquals(List.of("java:int a = 1;\n", "%foo:"), calls);
        assertEquals(CellResult.of("foo result"), r);
    }

    @Test
    void javaAfterAMagicLineKeepsItsLineNumbers() throws Exception {
        CellResult r = magics().run("int a = 1;\n%foo  some args \nint b = 2;", java);

        // two lines (the Java line and the magic line) come before "int b = 2;"
        assertEquals(List.of("java:int a = 1;\n", "%foo:some args", "java:\n\nint b = 2;\n"), calls);
        assertEquals(CellResult.of("java result"), r);
    }

    @Test
    void magicOnLaterLineKeepsTheLineNumbersOfFollowingJava() throws Exception {
        magics().run("\n\n%foo\nx", java);

        // the blank lines before the magic are not Java worth running; "x" is on line 4
        assertEquals(List.of("%foo:", "java:\n\n\nx\n"), calls);
    }

    @Test
    void cellWithoutMagicsGoesToJavaWhole() throws Exception {
        magics().run("int a = 1;\na + 1", java);

        assertEquals(List.of("java:int a = 1;\na + 1\n"), calls);
    }

    @Test
    void cellMagicGetsItsArgumentsAndTheWholeBody() throws Exception {
        CellResult r = magics().run("%%time  warm up \nint a = 1;\n%foo\na + 1", java);

        assertEquals(List.of("%%time:warm up|int a = 1;\n%foo\na + 1"), calls);
        assertEquals(CellResult.of("time result"), r);
    }

    @Test
    void cellMagicWithoutBodyGetsAnEmptyBody() throws Exception {
        magics().run("%%time", java);

        assertEquals(List.of("%%time:|"), calls);
    }

    @Test
    void unknownLineMagicListsTheKnownMagics() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> magics().run("%bar 1 2", java));

        assertTrue(e.getMessage().contains("%bar"), e.getMessage());
        assertTrue(e.getMessage().contains("%classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("%foo"), e.getMessage());
        assertTrue(e.getMessage().contains("%%time"), e.getMessage());
    }

    @Test
    void unknownCellMagicListsTheKnownMagics() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> magics().run("%%bash\nls", java));

        assertTrue(e.getMessage().contains("%%bash"), e.getMessage());
        assertTrue(e.getMessage().contains("%classpath, %foo"), e.getMessage());
        assertTrue(e.getMessage().contains("%%time"), e.getMessage());
    }

    @Test
    void javaBeforeAnUnknownMagicHasRunWhenItFails() {
        assertThrows(IllegalArgumentException.class, () -> magics().run("int a = 1;\n%nope", java));

        assertEquals(List.of("java:int a = 1;\n"), calls);
    }

    @Test
    void javaOnlyReplacesMagicLinesBySpacesOfTheSameLength() {
        String cell = "int a = 1;\n  %foo x y\na";

        String java = Magics.javaOnly(cell);

        assertEquals("int a = 1;\n" + " ".repeat(10) + "\na", java);
        assertEquals(cell.length(), java.length());
    }

    @Test
    void javaOnlyLeavesPlainJavaAlone() {
        assertEquals("int a = 5 % 2;\n", Magics.javaOnly("int a = 5 % 2;\n"));
    }

    @Test
    void javaOnlyOfACellMagicIsAllSpaces() {
        String cell = "%%time\nint a = 1;\na";

        assertEquals(" ".repeat(cell.length()), Magics.javaOnly(cell));
    }

    @Test
    void hasMagicFindsLineAndCellMagics() {
        assertTrue(Magics.hasMagic("%%time\nx"));
        assertTrue(Magics.hasMagic("int a = 1;\n  %jars lib/*.jar"));
        assertFalse(Magics.hasMagic("int a = 7 % 3;"));
        assertFalse(Magics.hasMagic("String s = \"%foo\";"));
    }

    @Test
    void namesListsLineMagicsThenCellMagicsSortedWithPercentSigns() {
        assertEquals(List.of("%classpath", "%foo", "%%time"), magics().names());
    }

    @Test
    void magicResultIsReturnedUnchanged() throws Exception {
        CellResult none = CellResult.NONE;
        Magics m = new Magics().lineMagic("nothing", args -> none);

        assertSame(none, m.run("%nothing", java));
        assertEquals(List.of(), calls);
    }
}
