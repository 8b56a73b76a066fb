package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StepTrainerTest {

    @Test
    void fitsALineAndEveryStepSeesItsOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            NDArray x = m.randomUniform(-1, 1, new Shape(64, 1));
            NDArray y = x.mul(2).add(1);
            Linear line = Linear.builder().setUnits(1).build();
            AtomicInteger observed = new AtomicInteger();
            float last;
            try (StepTrainer trainer = new StepTrainer(line,
                    Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.2f)).build(), new Shape(64, 1))) {
                last = Float.NaN;
                for (int i = 0; i < 300; i++) {
                    last = trainer.step(new NDList(x), out -> out.singletonOrThrow().sub(y).square().mean(),
                            out -> observed.incrementAndGet());
                }
                assertEquals(300, trainer.steps());
                NDArray predicted = trainer.predict(new NDList(m.create(new float[] {0.5f}, new Shape(1, 1)))).singletonOrThrow();
                assertEquals(2.0f, predicted.getFloat(), 1e-2f);
            }
            assertTrue(last < 1e-4f, "final loss " + last);
            assertEquals(300, observed.get());
        }
    }

    /** Adam with a cosine schedule (so update counts matter), random batches, built afresh with a given initialization. */
    private static StepTrainer adamRun(int initSeed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(initSeed);
        SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(ai.djl.nn.Activation::relu)
                .add(Linear.builder().setUnits(1).build());
        Tracker cosine = Tracker.cosine().setBaseValue(0.05f).optFinalValue(0.001f).setMaxUpdates(20).build();
        return new StepTrainer(net, Optimizer.adam().optLearningRateTracker(cosine).build(), new Shape(8, 2));
    }

    @Test
    void aSavedRunResumesExactlyWithItsBatchStream(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(-1, 1, new Shape(40, 2));
            NDArray y = x.get(":, 0:1").mul(x.get(":, 1:2")); // a product: not linear, so every step matters
            java.util.function.Function<NDList, java.util.function.Function<NDList, NDArray>> loss =
                    batch -> out -> out.singletonOrThrow().sub(batch.get(1)).square().mean();
            java.nio.file.Path file = dir.resolve("run.ckpt");
            java.util.Map<String, String> config = java.util.Map.of("model", "mlp-2-8-1");
            float[] straight = new float[6];
            try (StepTrainer t = adamRun(1)) {
                org.tokenlab.data.RandomBatches batches = org.tokenlab.data.RandomBatches.of(8, 3, x, y);
                for (int i = 0; i < 7; i++) { // 7 batches of 8 from 40 rows: the stream is inside its second epoch
                    NDList b = batches.next(m);
                    t.step(new NDList(b.get(0)), loss.apply(b), out -> { });
                }
                t.save(file, config, java.util.Map.of("batches", batches));
                for (int i = 0; i < straight.length; i++) {
                    NDList b = batches.next(m);
                    straight[i] = t.step(new NDList(b.get(0)), loss.apply(b), out -> { });
                }
            }
            try (StepTrainer t = adamRun(2)) {
                org.tokenlab.data.RandomBatches batches = org.tokenlab.data.RandomBatches.of(8, 99, x, y);
                t.resume(file, config, java.util.Map.of("batches", batches));
                assertEquals(7, t.steps());
                for (int i = 0; i < straight.length; i++) {
                    NDList b = batches.next(m);
                    assertEquals(straight[i], t.step(new NDList(b.get(0)), loss.apply(b), out -> { }), "loss of step " + (8 + i));
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                try (StepTrainer t = adamRun(3)) {
                    t.resume(file, java.util.Map.of("model", "mlp-2-16-1"));
                }
            });
            assertTrue(e.getMessage().contains("mlp-2-8-1"), e.getMessage());
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheStepNamed() {
        try (NDManager m = NDManager.newBaseManager();
                StepTrainer trainer = new StepTrainer(Linear.builder().setUnits(1).build(),
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build(), new Shape(4, 1))) {
            NDArray x = m.ones(new Shape(4, 1));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer.step(new NDList(x), out -> out.singletonOrThrow().log().mul(Float.NaN).mean(), out -> { }));
            assertTrue(e.getMessage().contains("at step 1"), e.getMessage());
        }
    }

    @Test
    void aStepThatMeetsNaNWeightsNamesTheParametersThatHoldThem() {
        // as after a step whose backward pass went NaN at the third layer: the optimizer wrote the NaN
        // into every layer before it
        SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                .add(Linear.builder().setUnits(4).build()).add(Linear.builder().setUnits(1).build());
        try (NDManager m = NDManager.newBaseManager();
                StepTrainer trainer = new StepTrainer(net,
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build(), new Shape(4, 3))) {
            List<String> names = net.getParameters().keys();
            net.getParameters().get(0).getValue().getArray().muli(Float.NaN); // first layer's weight
            net.getParameters().get(2).getValue().getArray().muli(Float.NaN); // second layer's weight
            NDArray x = m.ones(new Shape(4, 3));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer.step(new NDList(x), out -> out.singletonOrThrow().square().mean(), out -> { }));
            assertTrue(e.getMessage().startsWith("loss became NaN at step 1"), e.getMessage());
            assertTrue(e.getMessage().contains("2 of 6 parameters hold NaN or infinite values, in forward order from '"
                    + names.get(0) + "' to '" + names.get(2) + "'"), e.getMessage());
        }
    }

    @Test
    void badInputWithFiniteWeightsFailsAsItWould() {
        try (NDManager m = NDManager.newBaseManager();
                StepTrainer trainer = new StepTrainer(Linear.builder().setUnits(1).build(),
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build(), new Shape(4, 1))) {
            NDArray x = m.ones(new Shape(4, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.step(new NDList(x),
                    out -> { throw new IllegalArgumentException("the loss expects labels"); }, out -> { }));
            assertEquals("the loss expects labels", e.getMessage());
        }
    }

    @Test
    void stepsDoNotLeaveArraysBehindOnTheInputsManager() {
        try (NDManager m = NDManager.newBaseManager();
                StepTrainer trainer = new StepTrainer(Linear.builder().setUnits(3).build(),
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build(), new Shape(8, 5))) {
            NDArray x = m.ones(new Shape(8, 5));
            trainer.step(new NDList(x), out -> out.singletonOrThrow().mean(), out -> { });
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 20; i++) {
                trainer.step(new NDList(x), out -> out.singletonOrThrow().square().mean(), out -> { });
            }
            assertEquals(before, m.getManagedArrays().size());
        }
    }

    @Test
    void predictKeepsOnlyItsOutputsOnTheInputsManager() {
        try (NDManager m = NDManager.newBaseManager();
                StepTrainer trainer = new StepTrainer(new ai.djl.nn.SequentialBlock().add(Linear.builder().setUnits(8).build())
                        .add(ai.djl.nn.Activation::relu).add(Linear.builder().setUnits(2).build()),
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build(), new Shape(4, 5))) {
            NDArray x = m.ones(new Shape(4, 5));
            int before = m.getManagedArrays().size();
            NDList out = trainer.predict(new NDList(x));
            assertEquals(before + out.size(), m.getManagedArrays().size(), "intermediate activations were left behind");
        }
    }
}
