package org.tokenlab.kernel.execution;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.tokenlab.ShellStartup;

/**
 * Evaluates notebook cells with JShell in this JVM.
 *
 * <p>A cell may hold any number of statements, declarations and expressions; they run in order and
 * the value of a final expression is returned. Redefining a method, record or class replaces it and
 * JShell recompiles the snippets that use it. {@link #stop()} stops a running cell from another
 * thread, CPU-bound loops included, keeping earlier variables.
 */
public final class CellEvaluator implements AutoCloseable {

    /**
     * The kernel's own package; it and its subpackages are never imported on demand (the kernel's
     * startup imports what cells use from them) nor searched for library javadoc.
     */
    public static final String KERNEL_PACKAGE = "org.tokenlab.kernel";

    private static final Pattern DISPLAY_CALL = Pattern.compile("^(display|updateDisplay)\\s*\\(");

    private final JShell shell;
    private final CellExecutionControl control;
    private final SourceCodeAnalysis analysis;
    private final List<String> libraryPackages;
    private final LibraryDocs libraryDocs;

    private CellEvaluator(JShell shell, CellExecutionControl control, List<String> libraryPackages) {
        this.shell = shell;
        this.control = control;
        this.analysis = shell.sourceCodeAnalysis();
        this.libraryPackages = List.copyOf(libraryPackages);
        this.libraryDocs = new LibraryDocs(CellEvaluator.class.getClassLoader(), this.libraryPackages);
    }

    /**
     * The library's packages on {@code classPath}: what {@link #withLibrary} imports and where inspect
     * looks for javadoc. Found by {@link ShellStartup#packages}, without the kernel's own packages.
     */
    public static List<String> libraryPackages(String classPath) {
        return ShellStartup.packages(classPath == null ? "" : classPath, KERNEL_PACKAGE);
    }

    /**
     * A new evaluator that has imported what {@code ./tokenlab jshell} imports, every library package
     * on {@code classPath} included ({@link ShellStartup#script}), then run {@code moreStartup}.
     */
    public static CellEvaluator withLibrary(String classPath, List<String> moreStartup) {
        List<String> packages = libraryPackages(classPath);
        List<String> startup = new ArrayList<>();
        startup.add(ShellStartup.script(packages));
        startup.addAll(moreStartup);
        return create(classPath, packages, startup);
    }

    /**
     * A new evaluator whose snippets see {@code classPath} (entries separated by the platform's path
     * separator, usually this JVM's own class path) and that has run {@code startup} (imports) and
     * nothing else; inspect shows the javadoc of the library packages on {@code classPath}.
     */
    public static CellEvaluator create(String classPath, List<String> startup) {
        return create(classPath, libraryPackages(classPath), startup);
    }

    private static CellEvaluator create(String classPath, List<String> libraryPackages, List<String> startup) {
        CellExecutionControlProvider provider = new CellExecutionControlProvider();
        JShell shell = JShell.builder()
                .executionEngine(provider, null)
                .in(new ByteArrayInputStream(new byte[0]))
                .out(new PrintStream(System.out, true))
                .err(new PrintStream(System.err, true))
                .build();
        // before the source analysis exists: a compiler context it makes earlier keeps the old class path
        if (classPath != null && !classPath.isBlank()) {
            shell.addToClasspath(classPath);
        }
        CellEvaluator evaluator = new CellEvaluator(shell, provider.control(), libraryPackages);
        for (String snippet : startup) {
            try {
                evaluator.eval(snippet);
            } catch (Exception e) {
                throw new IllegalStateException("startup snippet failed: " + snippet + "\n" + e.getMessage(), e);
            }
        }
        return evaluator;
    }

    /** The library packages found when this evaluator was made, sorted. */
    public List<String> libraryPackages() {
        return libraryPackages;
    }

    /** Adds a jar or folder to what cells can compile against and load. */
    public void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /**
     * Runs every snippet of {@code code} in order.
     *
     * @throws CompilationException a snippet did not compile (earlier snippets have run)
     * @throws CellException the user's code threw
     * @throws CellInterruptedException {@link #stop()} was called while the cell ran
     */
    public CellResult eval(String code) throws CompilationException, CellException, CellInterruptedException {
        control.resetStop();
        try {
            CellResult result = CellResult.NONE;
            for (Piece piece : split(code)) {
                result = evalPiece(code, piece);
            }
            return result;
        } finally {
            control.clearResults();
        }
    }

    /** Stops the running cell, if any. Safe to call from any thread. */
    public void stop() {
        control.stop();
    }

    /**
     * {@code "complete"}, {@code "invalid"}, or an indent to continue with when the code needs more
     * lines (an open brace, a {@code for} without a body), as the Jupyter protocol expects.
     */
    public String isComplete(String code) {
        String remaining = code;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness c = info.completeness();
            switch (c) {
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    ";
                case UNKNOWN:
                    return "invalid";
                case EMPTY:
                    return "complete";
                default:
                    remaining = info.remaining();
            }
        }
        return "complete";
    }

    /** Completions at {@code cursor} (an offset into {@code code}). */
    public Completion complete(String code, int cursor) {
        Piece piece = pieceAt(code, cursor);
        int[] anchor = new int[1];
        Set<String> matches = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : analysis.completionSuggestions(piece.raw, cursor - piece.start, anchor)) {
            matches.add(s.continuation());
        }
        return new Completion(new ArrayList<>(matches), piece.start + anchor[0], cursor);
    }

    /**
     * Signature and javadoc (where the sources are available) of what is at {@code cursor}, or the
     * type and value of a variable; empty when there is nothing to show.
     */
    public List<String> documentation(String code, int cursor) {
        Piece piece = pieceAt(code, cursor);
        int at = cursor - piece.start;
        List<String> docs = new ArrayList<>();
        for (SourceCodeAnalysis.Documentation d : analysis.documentation(piece.raw, at, true)) {
            docs.add(describe(d));
        }
        if (docs.isEmpty()) {
            int end = identifierEnd(piece.raw, at);
            if (end > 0 && (end >= piece.raw.length() || piece.raw.charAt(end) != '(')) {
                String call = piece.raw.substring(0, end) + "(";
                for (SourceCodeAnalysis.Documentation d : analysis.documentation(call, call.length(), true)) {
                    docs.add(describe(d));
                }
            }
        }
        if (docs.isEmpty()) {
            String name = identifierAround(piece.raw, at);
            shell.variables().filter(v -> v.name().equals(name) && shell.status(v).isActive()).forEach(v ->
                    docs.add(v.typeName() + " " + v.name() + " = " + shell.varValue(v)));
        }
        return docs;
    }

    @Override
    public void close() {
        shell.close();
    }

    private String describe(SourceCodeAnalysis.Documentation d) {
        String javadoc = d.javadoc();
        if (javadoc == null || javadoc.isBlank()) {
            javadoc = libraryDocs.forSignature(d.signature()).orElse("");
        }
        return javadoc.isBlank() ? d.signature() : d.signature() + "\n\n" + javadoc.strip();
    }

    private CellResult evalPiece(String code, Piece piece)
            throws CompilationException, CellException, CellInterruptedException {
        if (piece.completeness == Completeness.DEFINITELY_INCOMPLETE
                || piece.completeness == Completeness.CONSIDERED_INCOMPLETE) {
            throw new CompilationException(List.of(SourcePosition.of(code, piece.start + piece.raw.stripTrailing().length())
                    .describe("the cell ends before this snippet is finished (a missing ';', ')' or '}'?)")));
        }
        List<SnippetEvent> events = shell.eval(piece.source);
        if (control.stopRequested()) {
            control.resetStop();
            throw new CellInterruptedException();
        }
        CellResult result = CellResult.NONE;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet updated by this one
            }
            Snippet snippet = event.snippet();
            if (event.status() == Snippet.Status.REJECTED) {
                throw compilationError(code, piece, snippet);
            }
            JShellException thrown = event.exception();
            if (thrown != null) {
                throw runtimeError(thrown);
            }
            result = valueOf(piece, snippet, event.value());
        }
        return result;
    }

    private CellResult valueOf(Piece piece, Snippet snippet, String key) {
        boolean expression = snippet.kind() == Snippet.Kind.EXPRESSION
                || snippet instanceof VarSnippet && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        String raw = piece.raw.strip();
        if (!expression || raw.endsWith(";") || DISPLAY_CALL.matcher(raw).find() || !control.hasResult(key)) {
            return CellResult.NONE;
        }
        return CellResult.of(control.takeResult(key));
    }

    private CompilationException compilationError(String code, Piece piece, Snippet snippet) {
        List<String> problems = new ArrayList<>();
        shell.diagnostics(snippet).filter(Diag::isError).forEach(d -> {
            // positions count from the start of JShell's source, which may keep leading blank lines
            long pos = Math.max(0, d.getStartPosition() - leadingBlank(piece.source));
            int offset = piece.start + (int) Math.min(pos, piece.raw.length());
            problems.add(SourcePosition.of(code, offset).describe(d.getMessage(Locale.ROOT)));
        });
        if (problems.isEmpty()) {
            problems.add(SourcePosition.of(code, piece.start).describe("this snippet was rejected"));
        }
        return new CompilationException(problems);
    }

    private CellException runtimeError(JShellException thrown) {
        Throwable real = control.takeLastFailure();
        if (thrown instanceof UnresolvedReferenceException) {
            UnresolvedReferenceException u = (UnresolvedReferenceException) thrown;
            String missing = String.join(", ", shell.unresolvedDependencies(u.getSnippet()).toList());
            real = new IllegalStateException("'" + u.getSnippet().source().strip().lines().findFirst().orElse("")
                    + "' uses " + missing + ", which is not defined yet; define it in a cell and run this again");
            real.setStackTrace(new StackTraceElement[0]);
        } else if (real == null && thrown instanceof EvalException) {
            EvalException e = (EvalException) thrown;
            real = new RuntimeException(e.getExceptionClassName() + ": " + e.getMessage());
            real.setStackTrace(e.getStackTrace());
        } else if (real == null) {
            real = thrown;
        }
        return new CellException(UserStackTrace.trim(real));
    }

    private List<Piece> split(String code) {
        List<Piece> pieces = new ArrayList<>();
        String remaining = code;
        int consumed = 0;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness c = info.completeness();
            if (c == Completeness.EMPTY) {
                break;
            }
            int lead = leadingBlank(remaining);
            if (!c.isComplete()) {
                pieces.add(new Piece(remaining, remaining.substring(lead), consumed + lead, c));
                break;
            }
            String rest = info.remaining();
            int used = remaining.length() - rest.length();
            pieces.add(new Piece(info.source(), remaining.substring(lead, Math.max(lead, used)), consumed + lead, c));
            consumed += used;
            remaining = rest;
        }
        return pieces;
    }

    private Piece pieceAt(String code, int cursor) {
        Piece last = new Piece(code, code, 0, Completeness.UNKNOWN);
        for (Piece p : split(code)) {
            if (p.start > cursor) {
                break;
            }
            last = p;
        }
        return last;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int identifierEnd(String s, int at) {
        int i = Math.min(at, s.length());
        while (i < s.length() && Character.isJavaIdentifierPart(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String identifierAround(String s, int at) {
        int end = identifierEnd(s, at);
        int start = Math.min(at, s.length());
        while (start > 0 && Character.isJavaIdentifierPart(s.charAt(start - 1))) {
            start--;
        }
        return s.substring(start, end);
    }

    /** One snippet of a cell: JShell's form of it, the text as written, and where it starts. */
    private static final class Piece {
        final String source;
        final String raw;
        final int start;
        final Completeness completeness;

        Piece(String source, String raw, int start, Completeness completeness) {
            this.source = source;
            this.raw = raw;
            this.start = start;
            this.completeness = completeness;
        }
    }
}
