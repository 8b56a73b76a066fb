package org.tokenlab.kernel.magic;

import org.tokenlab.kernel.execution.CellResult;

/** A {@code %name arguments} line in a cell. */
@FunctionalInterface
public interface LineMagic {
    CellResult run(String arguments) throws Exception;
}
