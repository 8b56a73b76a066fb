/** Small training loops: one optimizer over a block, with each step's temporaries freed. */
package org.tokenlab.train;
