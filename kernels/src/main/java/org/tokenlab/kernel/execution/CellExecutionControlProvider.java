package org.tokenlab.kernel.execution;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell one {@link CellExecutionControl} and keeps it for the evaluator. */
final class CellExecutionControlProvider implements ExecutionControlProvider {

    private final CellExecutionControl control = new CellExecutionControl();

    @Override
    public String name() {
        return "tokenlab";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return control;
    }

    CellExecutionControl control() {
        return control;
    }
}
