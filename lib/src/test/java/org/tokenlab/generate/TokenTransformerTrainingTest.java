package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;
import org.tokenlab.train.StepTrainer;

class TokenTransformerTrainingTest {

    @Test
    void learnsOneSequencePerClassAndGreedySamplingReproducesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            TokenTransformer model = TokenTransformer.builder().setVocabulary(8).setMaxLength(8).optClasses(2)
                    .optLayers(2).optHeads(2).optWidth(32).build();
            // class 0 counts up, class 1 counts down: [class, t1..t8]
            NDArray sequences = m.create(new long[] {8, 0, 1, 2, 3, 4, 5, 6, 7, 9, 7, 6, 5, 4, 3, 2, 1, 0}, new Shape(2, 9));
            NDArray inputs = CausalLoss.inputsOf(sequences);
            NDArray targets = CausalLoss.targetsOf(sequences);
            float loss = Float.NaN;
            try (StepTrainer trainer = new StepTrainer(model,
                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build(), new Shape(2, 8))) {
                for (int step = 0; step < 300 && !(loss < 0.02f); step++) {
                    loss = trainer.step(new NDList(inputs), out -> CausalLoss.crossEntropy(out.singletonOrThrow(), targets), out -> { });
                }
                assertTrue(loss < 0.05f, "loss after training " + loss);
                NDArray sampled = AutoregressiveSampler.builder().optTopK(1).build().sample(model, model.classPrefix(m, 0, 1), 8);
                assertArrayEquals(targets.toLongArray(), sampled.toLongArray());
            }
        }
    }
}
