package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.tokenlab.train.StepTrainer;

/**
 * A training step of a small network that maps images to images of the same shape: loss
 * {@code mean((block(x) - x)^2)} on one fixed batch, Adam at 1e-3, through {@link StepTrainer}.
 */
final class ReconstructionTraining implements Workload {

    private final NDManager manager;
    private final Block block;
    private final StepTrainer trainer;
    private final NDArray images;

    ReconstructionTraining(NDManager manager, Block block, Shape batch) {
        this.manager = manager.newSubManager();
        this.block = block;
        this.trainer = new StepTrainer(block, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), batch);
        this.images = this.manager.randomUniform(-1, 1, batch);
    }

    @Override
    public long parameterCount() {
        return Parameters.count(block);
    }

    @Override
    public void step() {
        trainer.step(new NDList(images), out -> out.singletonOrThrow().sub(images).square().mean(), out -> { });
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
