/** Evaluating cells with JShell in the kernel's JVM: splitting cells into snippets, real result objects, compile errors with positions, trimmed exceptions, stopping a running cell. */
package org.tokenlab.kernel.execution;
