package org.tokenlab.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CellEvaluatorTest {

    static CellEvaluator eval;

    @BeforeAll
    static void start() {
        eval = CellEvaluator.create(System.getProperty("java.class.path"), List.of("import java.util.*;"));
    }

    @AfterAll
    static void stop() {
        eval.close();
    }

    @Test
    void lastExpressionIsTheValue() throws Exception {
        CellResult r = eval.eval("int a = 20;\nint b = 22;\na + b");
        assertTrue(r.hasValue());
        assertEquals(42, r.value());
    }

    @Test
    void theRealObjectComesBackNotItsString() throws Exception {
        Object v = eval.eval("new ArrayList<>(List.of(1, 2))").value();
        assertEquals(List.of(1, 2), v);
        assertInstanceOf(ArrayList.class, v);
    }

    @Test
    void statementsDeclarationsAndTrailingSemicolonHaveNoValue() throws Exception {
        assertFalse(eval.eval("int c = 1;").hasValue());
        assertFalse(eval.eval("void hello() {}").hasValue());
        assertFalse(eval.eval("c + 1;").hasValue());
        assertTrue(eval.eval("c + 1").hasValue());
    }

    @Test
    void displayCallIsNotEchoed() throws Exception {
        eval.eval("String display(Object o) { return \"id\"; }");
        assertFalse(eval.eval("display(1)").hasValue());
    }

    @Test
    void compileErrorNamesLineAndColumnInTheCell() {
        CompilationException e = assertThrows(CompilationException.class,
                () -> eval.eval("int d = 1;\nString e = d;"));
        String first = e.problems().get(0);
        assertTrue(first.startsWith("line 2, column 12: incompatible types"), first);
        assertTrue(first.endsWith("String e = d;\n           ^"), first);
    }

    @Test
    void incompleteCellSaysWhatIsMissing() {
        CompilationException e = assertThrows(CompilationException.class, () -> eval.eval("void broken() {\n  int x = 1;"));
        assertTrue(e.getMessage().contains("missing ';', ')' or '}'"), e.getMessage());
    }

    @Test
    void runtimeExceptionKeepsItsClassAndTrimsKernelFrames() {
        CellException e = assertThrows(CellException.class,
                () -> eval.eval("int divideByZero(int n) { return n / 0; }\ndivideByZero(3)"));
        assertEquals("java.lang.ArithmeticException", e.exceptionClassName());
        StackTraceElement[] frames = e.getCause().getStackTrace();
        assertTrue(frames.length >= 2);
        assertEquals("divideByZero", frames[0].getMethodName());
        assertTrue(frames[frames.length - 1].getClassName().startsWith("REPL."), frames[frames.length - 1].toString());
    }

    @Test
    void causesAreKept() {
        CellException e = assertThrows(CellException.class,
                () -> eval.eval("throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));"));
        assertEquals("outer", e.getCause().getMessage());
        assertEquals("inner", e.getCause().getCause().getMessage());
    }

    @Test
    void redefinedMethodIsUsedByItsCallers() throws Exception {
        eval.eval("int leaf() { return 1; }\nint caller() { return leaf() * 10; }");
        assertEquals(10, eval.eval("caller()").value());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> eval.eval("int leaf() { return 7; }"));
        assertEquals(70, eval.eval("caller()").value());
    }

    @Test
    void redefinedRecordReplacesTheOldOne() throws Exception {
        eval.eval("record Pair(int a) {}");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> eval.eval("record Pair(int a, int b) { int sum() { return a + b; } }"));
        assertEquals(5, eval.eval("new Pair(2, 3).sum()").value());
    }

    @Test
    void stopEndsACpuBoundLoopAndKeepsEarlierVariables() throws Exception {
        eval.eval("long kept = 7;");
        CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
            try {
                eval.eval("long n = 0; while (true) { n++; }");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(700);
        eval.stop();
        assertInstanceOf(CellInterruptedException.class, running.get(20, TimeUnit.SECONDS));
        assertEquals(7L, eval.eval("kept").value());
    }

    @Test
    void isCompleteFollowsTheProtocolValues() {
        assertEquals("complete", eval.isComplete("1 + 1"));
        assertEquals("complete", eval.isComplete("int x = 1; int y = 2;"));
        assertEquals("    ", eval.isComplete("for (int i = 0; i < 3; i++)"));
        assertEquals("    ", eval.isComplete("void f() {"));
        assertEquals("invalid", eval.isComplete("int x = 1; }"));
    }

    @Test
    void completionReplacesTheTypedPrefix() {
        String code = "int q = 1;\nInteger.MAX_V";
        Completion c = eval.complete(code, code.length());
        assertEquals(List.of("MAX_VALUE"), c.matches());
        assertEquals(code.length() - "MAX_V".length(), c.start());
        assertEquals(code.length(), c.end());
    }

    @Test
    void documentationShowsTheSignature() {
        List<String> docs = eval.documentation("Math.max", 5);
        assertFalse(docs.isEmpty());
        assertTrue(docs.stream().anyMatch(d -> d.contains("max(int")), docs.toString());
    }

    @Test
    void documentationOfALibraryMethodIncludesItsJavadoc() {
        List<String> docs = eval.documentation("org.tokenlab.viz.ImageGrid.of", 29);
        assertEquals(1, docs.size(), docs.toString());
        assertTrue(docs.get(0).contains("ImageGrid.of("), docs.get(0));
        assertTrue(docs.get(0).contains(")\n\nA grid of columns images per row, each enlarged scale times"), docs.get(0));
    }

    @Test
    void documentationPicksTheJavadocOfTheRightOverload() {
        List<String> docs = eval.documentation("org.tokenlab.viz.TensorImages.toImage", 37);
        assertEquals(2, docs.size(), docs.toString());
        String withRange = docs.stream().filter(d -> d.contains("PixelRange range)")).findFirst().orElseThrow();
        String withoutRange = docs.stream().filter(d -> !d.contains("PixelRange range)")).findFirst().orElseThrow();
        assertTrue(withRange.endsWith("One image (H, W), (1, H, W) or (3, H, W)."), withRange);
        assertTrue(withoutRange.endsWith("One image, pixel range chosen automatically."), withoutRange);
    }

    @Test
    void documentationOfAVariableShowsTypeAndValue() throws Exception {
        eval.eval("String greeting = \"hi\";");
        assertEquals(List.of("String greeting = \"hi\""), eval.documentation("greeting", 3));
    }

    @Test
    void useOfAnUndefinedMethodIsExplained() {
        CellException e = assertThrows(CellException.class, () -> eval.eval("void usesMissing() { missing(); }\nusesMissing()"));
        assertTrue(e.getMessage().contains("missing()"), e.getMessage());
        assertTrue(e.getMessage().contains("not defined yet"), e.getMessage());
    }
}
