/** The TokenLab Jupyter kernel: JShell cells with the library and its renderers preloaded. Start it through Jupyter (kernelspec {@code tokenlab}); {@link org.tokenlab.kernel.Notebook} holds what cells call. */
package org.tokenlab.kernel;
