package org.tokenlab.kernel.execution;

import java.util.List;

/** A cell that did not compile; each problem names its line and column in the cell. */
public final class CompilationException extends Exception {

    private final List<String> problems;

    CompilationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per diagnostic: position, message, the source line and a caret under the column. */
    public List<String> problems() {
        return problems;
    }
}
