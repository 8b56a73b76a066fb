package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tokenlab.tokenizer.VqganTokenizer;

/**
 * The tutorial's VQGAN forward only: {@code decode(encode(images))} of a batch of 32 images
 * (1, 32, 32) with the tokenizer's own evaluation calls (no gradient; activations freed).
 */
final class VqganCoding implements Workload {

    private final NDManager manager;
    private final VqganTokenizer model;
    private final NDArray images;

    VqganCoding(NDManager manager) {
        this.manager = manager.newSubManager();
        this.model = VqganTraining.tokenizer();
        model.initialize(this.manager, DataType.FLOAT32, VqganTraining.BATCH);
        this.images = this.manager.randomUniform(-1, 1, VqganTraining.BATCH);
    }

    @Override
    public long parameterCount() {
        return Parameters.count(model);
    }

    @Override
    public void step() {
        try (NDArray ids = model.encode(images); NDArray pixels = model.decode(ids)) {
            pixels.getFloat(0, 0, 0, 0);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
