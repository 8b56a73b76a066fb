package org.tokenlab.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.tokenlab.kernel.execution.CellException;
import org.tokenlab.kernel.execution.CellInterruptedException;
import org.tokenlab.kernel.execution.CompilationException;

/** How a failed cell is reported to Jupyter: error name, message and traceback lines. */
record CellError(String name, String message, List<String> traceback) {

    static CellError of(Throwable e, StringStyler styler) {
        if (e instanceof CompilationException c) {
            List<String> lines = new ArrayList<>();
            lines.add(styler.secondary("Compilation error"));
            for (String problem : c.problems()) {
                lines.addAll(styler.primaryLines(problem));
            }
            return new CellError("CompilationError", c.problems().get(0).lines().findFirst().orElse(""), lines);
        }
        if (e instanceof CellInterruptedException) {
            return new CellError("Interrupted", e.getMessage(), List.of(styler.secondary("Interrupted: " + e.getMessage())));
        }
        if (e instanceof IllegalArgumentException && isMagicError(e)) {
            return new CellError("IllegalArgumentException", e.getMessage(),
                    List.of(styler.secondary("IllegalArgumentException: ") + e.getMessage()));
        }
        Throwable user = e instanceof CellException ? e.getCause() : e;
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String prefix = "";
        for (Throwable t = user; t != null && seen.add(t); t = t.getCause()) {
            lines.add(styler.secondary(prefix + t.getClass().getName()) + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement frame : t.getStackTrace()) {
                lines.add("    at " + describe(frame));
            }
            prefix = "Caused by: ";
        }
        String message = user.getMessage() == null ? "" : user.getMessage();
        return new CellError(user.getClass().getSimpleName(), message, lines);
    }

    private static boolean isMagicError(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("org.tokenlab.kernel.magic.");
    }

    private static String describe(StackTraceElement frame) {
        String cls = frame.getClassName();
        if (!cls.startsWith("REPL.")) {
            return frame.toString();
        }
        String where = cls.substring("REPL.".length()).replace("$JShell$", "snippet ");
        where = where.replaceFirst("^(snippet \\d+).*$", "$1");
        return frame.getMethodName().equals("do_it$") ? "cell (" + where + ")" : frame.getMethodName() + " (" + where + ")";
    }
}
