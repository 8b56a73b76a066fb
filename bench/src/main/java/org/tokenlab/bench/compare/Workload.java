package org.tokenlab.bench.compare;

/**
 * One thing to time: a model with its fixed batch, a step at a time. Built on first use, closed at
 * the end; a step frees everything it allocates.
 */
interface Workload extends AutoCloseable {

    /** The number of learned values, to check against the PyTorch twin. */
    long parameterCount();

    /** One timed step (a training step or a forward pass). */
    void step();

    @Override
    void close();
}
