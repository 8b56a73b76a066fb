package org.tokenlab.kernel;

import java.nio.charset.StandardCharsets;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

/** The cell's stdout, stderr, stdin and display streams, attached to one request at a time. */
final class KernelIO extends JupyterIO {

    KernelIO() {
        super(StandardCharsets.UTF_8);
    }

    void attach(ShellReplyEnvironment env, boolean stdinAllowed) {
        setEnv(env);
        setJupyterInEnabled(stdinAllowed);
    }

    void detach(ShellReplyEnvironment env) {
        flush();
        retractEnv(env);
    }

    /** Sends what was printed without a newline yet. */
    void flush() {
        out.flush();
        err.flush();
    }
}
