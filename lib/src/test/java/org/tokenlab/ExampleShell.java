package org.tokenlab;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet.Status;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.tokenlab.JavadocExamples.Example;
import org.tokenlab.JavadocExamples.Snippet;

/**
 * Compiles javadoc examples with JShell, as a user's session would see them, without running them.
 *
 * <p>The session has the library's class path and the startup imports of {@code ./tokenlab jshell}.
 * Classes are generated and loaded, but no snippet's code is invoked: a variable declaration, a
 * statement or an expression is checked by the compiler (names, types, methods and their overloads;
 * as in JShell, top-level code may throw checked exceptions), and nothing trains, downloads or reads a
 * file.
 *
 * <p>A variable that an example uses without declaring it (say {@code images}) comes from the
 * fixtures: a name-to-type table, each declared once in the session with its type and no value. Each
 * example starts from the startup imports and the fixtures alone: what an example declared is dropped
 * before the next one, and a fixture it redeclared is declared again.
 */
final class ExampleShell implements AutoCloseable {

    private static final Pattern UNKNOWN_VARIABLE = Pattern.compile("symbol:\\s+variable\\s+([\\w$]+)");

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, String> fixtures;
    /** The startup's and the fixtures' snippets (JShell gives a redeclaration its predecessor's id: compare objects). */
    private final Set<jdk.jshell.Snippet> keptSnippets = new HashSet<>();
    private final Set<String> fixturesUsed = new TreeSet<>();

    /**
     * A session on {@code classPath} that has compiled {@code startup} and declared the fixtures.
     *
     * @param fixtures variable name to its declared type, for variables examples use without declaring
     * @throws IllegalArgumentException if a startup snippet or a fixture does not compile
     */
    ExampleShell(String classPath, String startup, Map<String, String> fixtures) {
        this.fixtures = new LinkedHashMap<>(fixtures);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        this.shell = JShell.builder()
                .executionEngine(new CompileOnly(), Map.of())
                .in(new ByteArrayInputStream(new byte[0]))
                .out(quiet)
                .err(quiet)
                .build();
        // the class path before anything compiles: JShell's compiler contexts made earlier do not see it
        shell.addToClasspath(classPath);
        this.analysis = shell.sourceCodeAnalysis();
        List<String> problems = new ArrayList<>();
        for (Piece p : pieces(startup)) {
            problems.addAll(compile(p.source).stream().map(m -> "startup: " + p.source.strip() + ": " + m).toList());
        }
        problems.addAll(declareFixtures(this.fixtures.keySet()));
        if (!problems.isEmpty()) {
            shell.close();
            throw new IllegalArgumentException("the session for the examples cannot start:\n" + String.join("\n", problems));
        }
        shell.snippets().filter(s -> shell.status(s).isActive()).forEach(keptSnippets::add);
    }

    /**
     * Compiles the example's snippets in order; what is wrong, each line starting with the file and
     * line, the compiler's message and the snippet as written. Empty when every snippet compiled. After
     * the first snippet that fails, the example's later snippets are not checked (they would mostly
     * fail for the same reason).
     */
    List<String> check(Example example) {
        Set<String> declared = new HashSet<>();
        try {
            List<Snippet> snippets = example.snippets();
            for (int i = 0; i < snippets.size(); i++) {
                String problem = check(snippets.get(i), declared);
                if (problem != null) {
                    int later = snippets.size() - 1 - i;
                    return List.of(later == 0 ? problem
                            : problem + "\n  (" + later + " later snippet" + (later == 1 ? "" : "s")
                                    + " of this example not checked)");
                }
            }
            return List.of();
        } finally {
            restore();
        }
    }

    /** The fixture names that some checked snippet used. */
    Set<String> fixturesUsed() {
        return Set.copyOf(fixturesUsed);
    }

    @Override
    public void close() {
        shell.close();
    }

    /** The first problem of {@code snippet}, or null; {@code declared} collects the variables it declares. */
    private String check(Snippet snippet, Set<String> declared) {
        String code = snippet.code();
        List<Piece> pieces = pieces(code);
        if (pieces.isEmpty()) {
            return describe(snippet, 0, "the snippet is empty");
        }
        for (Piece piece : pieces) {
            if (!piece.complete) {
                return describe(snippet, code.length(), "the snippet ends before it is complete (a missing ';', ')' or '}'?)");
            }
            for (String name : freeIdentifiers(piece.source)) {
                if (fixtures.containsKey(name) && !declared.contains(name)) {
                    fixturesUsed.add(name);
                }
            }
            for (SnippetEvent event : shell.eval(piece.source)) {
                if (event.causeSnippet() != null) {
                    continue;
                }
                jdk.jshell.Snippet s = event.snippet();
                Status status = event.status();
                if (status == Status.VALID) {
                    if (s instanceof VarSnippet v) {
                        declared.add(v.name());
                    }
                    continue;
                }
                List<Diag> errors = shell.diagnostics(s).filter(Diag::isError).toList();
                if (!errors.isEmpty()) {
                    Diag d = errors.get(0);
                    int at = piece.start + (int) Math.max(0, Math.min(d.getPosition(), piece.source.length()));
                    return describe(snippet, at, d.getMessage(Locale.ROOT) + hint(d.getMessage(Locale.ROOT)));
                }
                List<String> missing = s instanceof DeclarationSnippet ds ? shell.unresolvedDependencies(ds).toList()
                        : List.of();
                String why = missing.isEmpty() ? "JShell did not accept it (" + status + ")"
                        : "it uses " + String.join(", ", missing) + ", which nothing declares (" + status + ")";
                return describe(snippet, piece.start, why);
            }
        }
        return null;
    }

    /** Declares the fixtures {@code names}; what did not compile. */
    private List<String> declareFixtures(Collection<String> names) {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            String declaration = fixtures.get(name) + " " + name + ";";
            for (String error : compile(declaration)) {
                problems.add("the fixture '" + declaration + "' (JavadocExamplesTest.FIXTURES) does not compile: " + error);
            }
        }
        return problems;
    }

    /** Drops what the last example declared and declares again the fixtures it replaced. */
    private void restore() {
        shell.snippets()
                .filter(s -> !keptSnippets.contains(s) && shell.status(s).isActive())
                .toList()
                .forEach(shell::drop);
        Set<String> present = new HashSet<>();
        shell.variables().filter(v -> shell.status(v).isActive()).forEach(v -> present.add(v.name()));
        List<String> missing = fixtures.keySet().stream().filter(n -> !present.contains(n)).toList();
        if (!missing.isEmpty()) {
            List<String> problems = declareFixtures(missing);
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("\n", problems));
            }
            shell.snippets().filter(s -> shell.status(s).isActive()).forEach(keptSnippets::add);
        }
    }

    /** Error messages of compiling one snippet; empty when it is valid. */
    private List<String> compile(String source) {
        List<String> errors = new ArrayList<>();
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() == null && event.status() != Status.VALID) {
                shell.diagnostics(event.snippet()).filter(Diag::isError).forEach(d -> errors.add(d.getMessage(Locale.ROOT)));
                if (errors.isEmpty()) {
                    errors.add("not accepted (" + event.status() + ")");
                }
            }
        }
        return errors;
    }

    private String hint(String message) {
        Matcher m = UNKNOWN_VARIABLE.matcher(message);
        if (!m.find()) {
            return "";
        }
        return "\n  ('" + m.group(1) + "' is declared neither by an earlier line of this example nor in "
                + "JavadocExamplesTest.FIXTURES: declare it in the example, or add it with its type to the table)";
    }

    private static String describe(Snippet snippet, int offset, String message) {
        return snippet.file() + ":" + snippet.lineAt(offset) + ": " + message.strip().replace("\n", "\n  ")
                + "\n  " + snippet.asWritten().replace("\n", "\n  ");
    }

    /** Identifiers of {@code code} that are not a member's name (after '.' or '::'), outside strings and comments. */
    static Set<String> freeIdentifiers(String code) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        char previous = ' ';
        while (i < code.length()) {
            char c = code.charAt(i);
            if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                i = end < 0 ? code.length() : end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != c) {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                previous = c;
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < code.length() && Character.isJavaIdentifierPart(code.charAt(j))) {
                    j++;
                }
                if (previous != '.' && previous != ':') {
                    names.add(code.substring(i, j));
                }
                previous = 'a';
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < code.length() && (Character.isLetterOrDigit(code.charAt(j)) || code.charAt(j) == '.'
                        || code.charAt(j) == '_')) {
                    j++;
                }
                previous = '0';
                i = j;
            } else {
                if (!Character.isWhitespace(c)) {
                    previous = c;
                }
                i++;
            }
        }
        return names;
    }

    /** JShell's snippets of {@code code}, each with its offset in {@code code}. */
    private List<Piece> pieces(String code) {
        List<Piece> pieces = new ArrayList<>();
        String remaining = code;
        int consumed = 0;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            int lead = 0;
            while (lead < remaining.length() && Character.isWhitespace(remaining.charAt(lead))) {
                lead++;
            }
            if (!info.completeness().isComplete()) {
                pieces.add(new Piece(remaining.substring(lead), consumed + lead, false));
                break;
            }
            String rest = info.remaining();
            pieces.add(new Piece(info.source(), consumed + lead, true));
            consumed += remaining.length() - rest.length();
            remaining = rest;
        }
        return pieces;
    }

    private record Piece(String source, int start, boolean complete) {}

    /** Loads the generated classes like JShell's local engine, and never runs a snippet. */
    private static final class CompileOnly implements ExecutionControlProvider {

        @Override
        public String name() {
            return "compile-only";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new DirectExecutionControl() {
                @Override
                protected String invoke(Method doit) {
                    return "";
                }
            };
        }
    }
}
