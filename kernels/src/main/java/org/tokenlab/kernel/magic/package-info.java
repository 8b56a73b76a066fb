/** Magics: {@code %classpath}, {@code %jars}, {@code %maven}, {@code %load}, {@code %time} and {@code %%time}, and how a cell is split between Java and magics. */
package org.tokenlab.kernel.magic;
