package org.tokenlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code jshell>} examples of javadoc comments. An example is one {@code <pre>{@code ...}</pre>}
 * block; each {@code jshell>} line starts a snippet, {@code ...>} lines continue it, and any other
 * line of the block is output shown to the reader, not code. The snippets of a block run in order in
 * one session, so later ones may use what earlier ones declared.
 */
final class JavadocExamples {

    /** A comment line: the leading {@code *} and one space after it are decoration. */
    private static final Pattern COMMENT_LINE = Pattern.compile("^\\s*\\*(?: |$)(.*)$");
    private static final String PROMPT = "jshell>";
    private static final String CONTINUATION = "...>";
    private static final String BLOCK_START = "<pre>{@code";
    private static final String BLOCK_END = "}</pre>";

    private JavadocExamples() {}

    /**
     * One snippet as the reader sees it: its code with the prompts removed (lines joined with
     * {@code \n}) and the source line of each of its lines.
     */
    record Snippet(Path file, List<Integer> lines, String code) {

        int firstLine() {
            return lines.get(0);
        }

        /** The source line of the character at {@code offset} in {@link #code}. */
        int lineAt(int offset) {
            int line = 0;
            for (int i = 0; i < Math.min(offset, code.length()); i++) {
                if (code.charAt(i) == '\n') {
                    line++;
                }
            }
            return lines.get(Math.min(line, lines.size() - 1));
        }

        /** The snippet as written in the comment, prompts included. */
        String asWritten() {
            String[] parts = code.split("\n", -1);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                s.append(i == 0 ? PROMPT + " " : "   " + CONTINUATION + " ").append(parts[i]);
                if (i + 1 < parts.length) {
                    s.append('\n');
                }
            }
            return s.toString();
        }
    }

    /** The snippets of one {@code <pre>{@code ...}</pre>} block, which starts at {@code line}. */
    record Example(Path file, int line, List<Snippet> snippets) {

        String where() {
            return file + ":" + line;
        }
    }

    /** A prompt line outside any {@code <pre>{@code ...}</pre>} block: never checked, so reported. */
    record Stray(Path file, int line, String text) {}

    /** What a set of sources holds. */
    record Found(List<Example> examples, List<Stray> strays) {

        int snippetCount() {
            return examples.stream().mapToInt(e -> e.snippets().size()).sum();
        }
    }

    /** Every example of every {@code .java} file under {@code root}, files in path order. */
    static Found under(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root.toAbsolutePath() + " is not a folder of sources");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example> examples = new ArrayList<>();
        List<Stray> strays = new ArrayList<>();
        for (Path f : files) {
            try {
                Found one = in(f, Files.readString(f, StandardCharsets.UTF_8));
                examples.addAll(one.examples());
                strays.addAll(one.strays());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Found(examples, strays);
    }

    /** The examples of one source file, {@code file} naming it in what is found. */
    static Found in(Path file, String source) {
        List<Example> examples = new ArrayList<>();
        List<Stray> strays = new ArrayList<>();
        String[] lines = source.split("\r?\n", -1);
        int blockLine = -1;
        List<Snippet> snippets = new ArrayList<>();
        List<Integer> snippetLines = new ArrayList<>();
        List<String> snippetCode = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            Matcher m = COMMENT_LINE.matcher(lines[i]);
            String text = m.matches() ? m.group(1) : lines[i].strip();
            String content = text.stripLeading();
            if (blockLine < 0) {
                if (content.startsWith(BLOCK_START)) {
                    if (content.contains(PROMPT)) {
                        strays.add(new Stray(file, lineNo, content)); // a prompt must start its own line
                    }
                    if (!content.contains(BLOCK_END)) {
                        blockLine = lineNo;
                    }
                } else if (content.startsWith(PROMPT) || content.startsWith(CONTINUATION)) {
                    strays.add(new Stray(file, lineNo, content));
                }
                continue;
            }
            boolean end = content.startsWith(BLOCK_END);
            boolean prompt = content.startsWith(PROMPT);
            boolean continuation = content.startsWith(CONTINUATION);
            if (!continuation && !snippetLines.isEmpty()) {
                snippets.add(new Snippet(file, List.copyOf(snippetLines), String.join("\n", snippetCode)));
                snippetLines.clear();
                snippetCode.clear();
            }
            if (end) {
                if (!snippets.isEmpty()) {
                    examples.add(new Example(file, blockLine, List.copyOf(snippets)));
                }
                snippets.clear();
                blockLine = -1;
            } else if (prompt || continuation) {
                if (continuation && snippetLines.isEmpty()) {
                    strays.add(new Stray(file, lineNo, content)); // a continuation of nothing
                    continue;
                }
                String code = content.substring((prompt ? PROMPT : CONTINUATION).length());
                snippetLines.add(lineNo);
                snippetCode.add(code.startsWith(" ") ? code.substring(1) : code);
            }
        }
        if (blockLine >= 0) {
            throw new IllegalArgumentException(file + ":" + blockLine + ": " + BLOCK_START + " has no " + BLOCK_END);
        }
        return new Found(examples, strays);
    }
}
