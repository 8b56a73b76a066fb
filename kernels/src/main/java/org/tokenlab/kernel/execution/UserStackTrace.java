package org.tokenlab.kernel.execution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Trims an exception's stack to what the user wrote and what that code called: everything below the
 * outermost frame of a cell (the kernel's reflection and thread plumbing) is removed, for the
 * exception and each of its causes.
 */
final class UserStackTrace {

    /** JShell compiles every snippet into a class of this package. */
    static final String CELL_PACKAGE = "REPL.";

    private UserStackTrace() {}

    static <T extends Throwable> T trim(T error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            t.setStackTrace(trimFrames(t.getStackTrace()));
        }
        return error;
    }

    static StackTraceElement[] trimFrames(StackTraceElement[] frames) {
        int last = -1;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().startsWith(CELL_PACKAGE)) {
                last = i;
            }
        }
        if (last < 0) {
            return frames;
        }
        List<StackTraceElement> out = new ArrayList<>(Arrays.asList(frames).subList(0, last + 1));
        return out.toArray(new StackTraceElement[0]);
    }
}
