/**
 * {@code ./tokenlab bench compare}: the library's CPU training step and forward pass side by side
 * with the same models written in PyTorch (bench/python/torch_models.py), timed in alternating
 * rounds with the same thread counts, and the resident memory over many training steps. Results
 * are recorded in docs/BENCHMARKS.md. Not part of the tests.
 */
package org.tokenlab.bench.compare;
