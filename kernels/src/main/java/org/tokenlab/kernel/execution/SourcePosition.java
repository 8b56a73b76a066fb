package org.tokenlab.kernel.execution;

/** A line and column in a cell, with the line's text, for error messages. */
record SourcePosition(int line, int column, String lineText) {

    static SourcePosition of(String code, int offset) {
        int clamped = Math.max(0, Math.min(offset, code.length()));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < clamped; i++) {
            if (code.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int lineEnd = code.indexOf('\n', lineStart);
        String text = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
        return new SourcePosition(line, clamped - lineStart + 1, text);
    }

    /** {@code line 2, column 9: message}, then the line and a caret under the column. */
    String describe(String message) {
        return "line " + line + ", column " + column + ": " + message + "\n"
                + lineText + "\n" + " ".repeat(Math.max(0, column - 1)) + "^";
    }
}
