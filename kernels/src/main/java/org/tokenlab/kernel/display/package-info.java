/** Renderers that turn tensors, images, tables and charts into Jupyter display bundles (PNG, GIF, HTML, plain text), all offline. */
package org.tokenlab.kernel.display;
