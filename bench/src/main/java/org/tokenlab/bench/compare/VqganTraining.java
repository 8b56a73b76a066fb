package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;
import org.tokenlab.train.StepTrainer;

/**
 * A training step of the tutorial's VQGAN on the CPU: {@link VqganConfig#defaults()} around a
 * {@link VectorQuantizer} of 256 codes of dimension 16, a batch of 32 images (1, 32, 32), loss
 * {@code L1(reconstruction, images) + quantizer loss}, Adam at 1e-3, through {@link StepTrainer}.
 */
final class VqganTraining implements Workload {

    static final Shape BATCH = new Shape(32, 1, 32, 32);

    private final NDManager manager;
    private final VqganTokenizer model;
    private final StepTrainer trainer;
    private final NDArray images;

    VqganTraining(NDManager manager) {
        this.manager = manager.newSubManager();
        this.model = tokenizer();
        this.trainer = new StepTrainer(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), BATCH);
        this.images = this.manager.randomUniform(-1, 1, BATCH);
    }

    /** The tutorial's tokenizer: the default CPU architecture and a 256 x 16 codebook. */
    static VqganTokenizer tokenizer() {
        return VqganTokenizer.of(VqganConfig.defaults(),
                VectorQuantizer.builder().setCodebookSize(256).setCodeDimension(16).optSeed(0).build());
    }

    @Override
    public long parameterCount() {
        return Parameters.count(model);
    }

    @Override
    public void step() {
        trainer.step(new NDList(images), list -> {
            TokenizerOutput out = TokenizerOutput.of(list);
            return out.reconstruction().sub(images).abs().mean().add(out.quantizerLoss());
        }, list -> { });
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
