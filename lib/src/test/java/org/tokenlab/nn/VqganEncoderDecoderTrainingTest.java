package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;
import org.tokenlab.train.StepTrainer;

class VqganEncoderDecoderTrainingTest {

    /** With attention on (the VQGAN default): this is where DJL's scalar-buffer bug gave NaN losses. */
    @Test
    void aTinyAutoencoderOverfitsEightImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(8);
            // eight fixed 16x16 images in [-1, 1]: random 4x4 patterns blown up to 16x16
            NDArray images = Upsample.nearest(Upsample.nearest(m.randomUniform(-1, 1, new Shape(8, 1, 4, 4))));
            SequentialBlock autoencoder = new SequentialBlock()
                    .add(VqganEncoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8).optGroups(4)
                            .optChannelMultipliers(1, 2).optResidualBlocks(1).build())
                    .add(VqganDecoder.builder().setImageChannels(1).setLatentChannels(4).optBaseChannels(8).optGroups(4)
                            .optChannelMultipliers(1, 2).optResidualBlocks(1).build());
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
            try (StepTrainer trainer = new StepTrainer(autoencoder, adam, images.getShape())) {
                float first = trainer.step(new NDList(images), out -> out.singletonOrThrow().sub(images).square().mean(), out -> { });
                float last = first;
                // stop as soon as the loss is 10x lower (about 20 steps with seed 8); at most 200 steps
                while (last >= first / 10 && trainer.steps() < 200) {
                    last = trainer.step(new NDList(images), out -> out.singletonOrThrow().sub(images).square().mean(), out -> { });
                }
                assertTrue(last < first / 10, "loss " + first + " -> " + last + " after " + trainer.steps() + " Adam steps");
            }
        }
    }
}
