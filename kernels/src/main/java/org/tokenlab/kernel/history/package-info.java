/** The session's cell history for Jupyter's history requests. */
package org.tokenlab.kernel.history;
