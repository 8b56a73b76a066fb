/** Argument checks and shape helpers shared by the library. Not API: may change without notice. */
package org.tokenlab.internal;
