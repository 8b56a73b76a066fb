package org.tokenlab.kernel.execution;

/** The cell was stopped by an interrupt request; variables defined before the stop are kept. */
public final class CellInterruptedException extends Exception {

    CellInterruptedException() {
        super("The cell was interrupted; earlier variables are kept");
    }
}
