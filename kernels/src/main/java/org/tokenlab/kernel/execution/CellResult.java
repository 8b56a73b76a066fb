package org.tokenlab.kernel.execution;

/**
 * What a cell evaluated to. {@code hasValue} is false when the cell ends with a statement or
 * declaration, with a {@code display(...)} call, or with an expression followed by {@code ;}
 * (a trailing semicolon hides the value, as in IPython).
 */
public record CellResult(boolean hasValue, Object value) {

    public static final CellResult NONE = new CellResult(false, null);

    public static CellResult of(Object value) {
        return new CellResult(true, value);
    }
}
