/** JMH benchmarks of the library (quantizers first). Run with {@code ./tokenlab bench}; results go to docs/BENCHMARKS.md. */
package org.tokenlab.bench;
