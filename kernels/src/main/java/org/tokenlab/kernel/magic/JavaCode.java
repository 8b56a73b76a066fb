package org.tokenlab.kernel.magic;

import org.tokenlab.kernel.execution.CellResult;

/** Runs Java source (any number of snippets); what magics call to evaluate code. */
@FunctionalInterface
public interface JavaCode {
    CellResult run(String code) throws Exception;
}
