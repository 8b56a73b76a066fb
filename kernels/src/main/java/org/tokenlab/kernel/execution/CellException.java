package org.tokenlab.kernel.execution;

/**
 * An exception thrown by the user's code. {@link #getCause()} is the original exception, with its
 * class, message and causes intact; its stack trace is trimmed to the frames of the user's code and
 * of what that code called.
 */
public final class CellException extends Exception {

    CellException(Throwable userException) {
        super(userException.getMessage(), userException);
    }

    /** The original exception's class name, e.g. {@code java.lang.ArithmeticException}. */
    public String exceptionClassName() {
        return getCause().getClass().getName();
    }
}
