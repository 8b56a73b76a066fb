package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.tokenlab.data.RandomBatches;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.PatchDiscriminator;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.train.GanTrainer;

/**
 * The README's determinism statement: on one machine, with the same thread count, the same seeds,
 * data and configuration give bit-identical training and the same tokens, whichever thread trains
 * (notebook cells run on threads of their own).
 */
class SeedsGiveTheSameTokensTest {

    private static long[] trainAndEncode(NDArray data, NDArray heldOut) {
        Engine.getInstance().setRandomSeed(21); // the weights' initialization
        VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optEma(0.9)
                .optDeadCodeThreshold(1).optDeadCodeWindow(2).optKMeansInit(2).optSeed(22).build();
        VqganTokenizer tokenizer = VqganTokenizer.of(VqganConfig.builder().setImageChannels(1).optBaseChannels(8)
                .optChannelMultipliers(1, 2).optResidualBlocks(1).optAttention(false).optLatentChannels(4).optGroups(8)
                .build(), vq);
        Shape batch = new Shape(4, 1, 16, 16);
        RandomBatches batches = RandomBatches.of(4, 23, data);
        try (NDManager scope = data.getManager().newSubManager();
                GanTrainer gan = new GanTrainer(tokenizer,
                        PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build(),
                        Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                        Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), batch, null,
                        GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.startingAt(3)).optAdaptiveEvery(2).build())) {
            for (int step = 0; step < 5; step++) {
                gan.step(batches.next(scope).head());
            }
            return tokenizer.encode(heldOut).toLongArray();
        }
    }

    @Test
    void twoRunsFromTheSameSeedsGiveTheSameTokensOnAnyThread() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(20);
            NDArray data = m.randomUniform(-1, 1, new Shape(12, 1, 16, 16));
            NDArray heldOut = m.randomUniform(-1, 1, new Shape(4, 1, 16, 16));
            long[] first = trainAndEncode(data, heldOut);
            long[] second = CompletableFuture.supplyAsync(() -> trainAndEncode(data, heldOut)).get();
            assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
        }
    }
}
