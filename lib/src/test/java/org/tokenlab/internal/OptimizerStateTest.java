package org.tokenlab.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;
import org.tokenlab.TrainingState;

class OptimizerStateTest {

    private static Trainer trainer(Model model, Optimizer adam) {
        model.getNDManager().getEngine().setRandomSeed(3);
        model.setBlock(Linear.builder().setUnits(2).build());
        Trainer t = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam));
        t.initialize(new Shape(4, 3));
        return t;
    }

    private static void step(Trainer t, NDArray x) {
        try (GradientCollector gc = t.newGradientCollector()) {
            NDArray out = t.forward(new NDList(x)).singletonOrThrow();
            gc.backward(out.square().sum());
        }
        t.step();
    }

    private static float[] weights(Block block) {
        return block.getParameters().valueAt(0).getArray().toFloatArray();
    }

    /**
     * The loaded moments must be the optimizer's own memory: DJL's {@code toDevice(device, true)} to the
     * array's own device hands back the same memory, and a checkpoint's arrays live in Java buffers that
     * are freed once the loaded state is closed, after which Adam's in-place update wrote into freed memory.
     */
    @Test
    void loadedMomentsAreCopiesThatWritingTheLoadedArraysDoesNotChange() {
        try (NDManager m = NDManager.newBaseManager(); Model a = Model.newInstance("a"); Model b = Model.newInstance("b")) {
            Optimizer adamA = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.1f)).build();
            Optimizer adamB = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.1f)).build();
            try (Trainer ta = trainer(a, adamA); Trainer tb = trainer(b, adamB)) {
                NDArray x = m.randomUniform(-1, 1, new Shape(4, 3));
                step(ta, x);
                step(ta, x);
                step(tb, x);   // B has moments of its own, which load replaces
                TrainingState state = TrainingState.empty();
                OptimizerState.save(adamA, a.getBlock(), state, m);
                for (int i = 0; i < a.getBlock().getParameters().size(); i++) {   // B's weights := A's
                    b.getBlock().getParameters().valueAt(i).getArray().set(new ai.djl.ndarray.index.NDIndex("..."),
                            a.getBlock().getParameters().valueAt(i).getArray());
                }
                OptimizerState.load(adamB, b.getBlock(), state);
                for (Object v : state.entries().values()) {
                    if (v instanceof NDArray saved) {
                        saved.muli(0).addi(1e6f);   // scribble over what was loaded
                    }
                }
                step(ta, x);
                step(tb, x);
                assertArrayEquals(weights(a.getBlock()), weights(b.getBlock()), 1e-6f);
            }
        }
    }
}
