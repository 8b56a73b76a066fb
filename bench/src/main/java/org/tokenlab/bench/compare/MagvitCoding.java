package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tokenlab.magvit.MagvitConfig;
import org.tokenlab.magvit.MagvitTokenizer;

/**
 * The tutorial's MAGVIT 3D tokenizer forward only, as {@link VqganCoding} for the 2D VQGAN:
 * {@code decode(encode(clips))} of {@link MagvitTraining#BATCH} (4 clips (1, 8, 32, 32); the javadoc
 * there says why) with the tokenizer's own evaluation calls (no gradient; activations freed), and
 * {@link MagvitConfig#defaults()}' reflect padding.
 */
final class MagvitCoding implements Workload {

    private final NDManager manager;
    private final MagvitTokenizer model;
    private final NDArray clips;

    MagvitCoding(NDManager manager) {
        this.manager = manager.newSubManager();
        this.model = MagvitTraining.tokenizer(MagvitConfig.defaults());
        model.initialize(this.manager, DataType.FLOAT32, MagvitTraining.BATCH);
        this.clips = this.manager.randomUniform(-1, 1, MagvitTraining.BATCH);
    }

    @Override
    public long parameterCount() {
        return Parameters.count(model);
    }

    @Override
    public void step() {
        try (NDArray ids = model.encode(clips); NDArray pixels = model.decode(ids)) {
            pixels.getFloat(0, 0, 0, 0, 0);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
