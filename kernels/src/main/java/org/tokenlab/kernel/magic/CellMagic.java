package org.tokenlab.kernel.magic;

import org.tokenlab.kernel.execution.CellResult;

/** A cell whose first line is {@code %%name arguments}; the rest of the cell is its body. */
@FunctionalInterface
public interface CellMagic {
    CellResult run(String arguments, String body) throws Exception;
}
