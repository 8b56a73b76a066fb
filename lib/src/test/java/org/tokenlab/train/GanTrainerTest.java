package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.GanLosses;
import org.tokenlab.loss.PatchDiscriminator;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;

class GanTrainerTest {

    static final Shape IMAGES = new Shape(2, 1, 32, 32);
    static final VqganConfig SMALL = VqganConfig.builder().setImageChannels(1).optBaseChannels(8)
            .optChannelMultipliers(1, 2).optAttention(false).optGroups(4).optLatentChannels(8).build();

    /** Discriminator from step 1, lambda re-estimated at every step. */
    static GanTrainer.Settings everyStep() {
        return GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.none()).optAdaptiveEvery(1).build();
    }

    static GanTrainer trainer(long discriminatorStart, float learningRate) {
        VqganTokenizer g = VqganTokenizer.of(SMALL,
                LookupFreeQuantizer.builder().setCodeDimension(6).build());
        Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
        return new GanTrainer(g, d, Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build(),
                Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build(), IMAGES, null,
                GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.startingAt(discriminatorStart).withFactor(0.5))
                        .build());
    }

    static float firstParameterSum(Block block) {
        return block.getParameters().get(0).getValue().getArray().sum().getFloat();
    }

    @Test
    void theDiscriminatorWaitsForItsStartStepThenBothPlayersTrain() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray images = m.randomUniform(-1, 1, IMAGES);
            try (GanTrainer t = trainer(2, 1e-3f)) {
                Block d = t.discriminatorBlock();
                float dBefore = firstParameterSum(d);
                Map<String, Double> first = t.step(images);
                assertTrue(Double.isNaN(first.get("discriminator")) && Double.isNaN(first.get("lambda")), first.toString());
                assertEquals(dBefore, firstParameterSum(d), "the discriminator must not move before its start step");
                Map<String, Double> second = t.step(images);
                assertFalse(Double.isNaN(second.get("discriminator")), second.toString());
                assertTrue(second.get("lambda") >= 0 && second.get("lambda") <= 1e4, second.toString());
                assertNotEquals(dBefore, firstParameterSum(d));
                assertEquals(2, t.steps());
                assertTrue(second.keySet().containsAll(java.util.List.of("reconstruction", "perceptual", "quantizer",
                        "generator_gan", "lambda", "discriminator")), second.keySet().toString());
            }
        }
    }

    @Test
    void reconstructionImprovesOverAFewSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            NDArray images = m.randomUniform(-1, 1, IMAGES).sign().mul(0.8f);
            try (GanTrainer t = trainer(1000, 3e-3f)) {
                double first = t.step(images).get("reconstruction");
                double last = first;
                for (int i = 0; i < 25; i++) {
                    last = t.step(images).get("reconstruction");
                }
                assertTrue(last < first * 0.8, "L1 " + first + " -> " + last);
            }
        }
    }

    @Test
    void nanEncoderWeightsStopTheStepWithTheQuantizersMessageAndTheParametersThatHoldTheNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.randomUniform(-1, 1, IMAGES);
            try (GanTrainer t = trainer(1000, 1e-3f)) {
                Block g = t.generatorBlock();
                String first = g.getParameters().get(0).getKey();
                g.getParameters().get(0).getValue().getArray().muli(Float.NaN);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.step(images));
                assertTrue(e.getMessage().contains("got NaN or infinite features"), e.getMessage());
                assertTrue(e.getMessage().contains("generator: parameter '" + first + "' holds NaN or infinite values"),
                        e.getMessage());
                assertFalse(e.getMessage().contains("discriminator:"), e.getMessage());
            }
        }
    }

    @Test
    void quantizerStateAdvancesOncePerStepEvenWhenTheAdaptiveWeightIsEstimated() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray images = m.randomUniform(-1, 1, IMAGES);
            LookupFreeQuantizer lfq = LookupFreeQuantizer.builder().setCodeDimension(6).optEntropyWeight(0.1).build();
            VqganTokenizer g = VqganTokenizer.of(SMALL, lfq);
            Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
            try (GanTrainer t = new GanTrainer(g, d, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), IMAGES, null,
                    everyStep())) {
                for (int step = 1; step <= 3; step++) {
                    Map<String, Double> metrics = t.step(images);
                    assertFalse(Double.isNaN(metrics.get("lambda")), metrics.toString());
                    assertEquals(step, lfq.trainingStep(), "the quantizer must see one training call per step, "
                            + "also on steps that re-estimate the adaptive weight");
                }
            }
        }
    }

    @Test
    void theAdaptiveWeightOfTheSingleForwardPassEqualsTheOneFromSeparatePasses() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(12);
            NDArray images = m.randomUniform(-1, 1, IMAGES);
            VqganTokenizer g = VqganTokenizer.of(SMALL,
                    LookupFreeQuantizer.builder().setCodeDimension(6).build());
            Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
            try (GanTrainer t = new GanTrainer(g, d, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), IMAGES, null,
                    everyStep())) {
                double expected;
                try (NDManager scope = m.newSubManager();
                        ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                    ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(scope, false);
                    expected = org.tokenlab.loss.AdaptiveGanWeight.estimate(gc, g.lastLayerWeight(),
                            () -> org.tokenlab.loss.ReconstructionLoss.L1.loss(
                                    g.forward(ps, images, true).reconstruction(), images),
                            () -> GanLosses.HINGE.generatorLoss(d.forward(ps, new ai.djl.ndarray.NDList(
                                    g.forward(ps, images, true).reconstruction()), true).singletonOrThrow()));
                }
                double lambda = t.step(images).get("lambda");
                assertEquals(expected, lambda, 1e-4 * Math.max(1, expected),
                        "lambda from one forward pass with a kept graph must equal lambda from separate passes");
            }
        }
    }

    /** A run of VQ with EMA, dead-code restarts and a seed, adaptive weight every other step, built afresh each time. */
    private static GanTrainer resumableRun(int initSeed, org.tokenlab.quantize.VectorQuantizer[] quantizer) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(initSeed);
        quantizer[0] = org.tokenlab.quantize.VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optEma(0.9)
                .optDeadCodeThreshold(2).optDeadCodeWindow(2).optSeed(9).build();
        VqganTokenizer g = VqganTokenizer.of(new VqganConfig(1, 8, new int[] {1, 2}, 1, false, 4, 8), quantizer[0]);
        Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
        return new GanTrainer(g, d, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), IMAGES, null,
                new GanTrainer.Settings(GanLosses.HINGE, new DiscriminatorWarmup(2, 1.0), 1.0, 2));
    }

    private static java.util.List<NDArray> parameterCopies(GanTrainer t, NDManager m) {
        java.util.List<NDArray> out = new java.util.ArrayList<>();
        for (Block b : java.util.List.of(t.generatorBlock(), t.discriminatorBlock())) {
            b.getParameters().forEach(p -> {
                NDArray c = p.getValue().getArray().duplicate();
                c.attach(m);
                out.add(c);
            });
        }
        return out;
    }

    @Test
    void aSavedRunResumesExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(13);
            java.util.List<NDArray> batches = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batches.add(m.randomUniform(-1, 1, IMAGES));
            }
            java.nio.file.Path file = dir.resolve("run.ckpt");
            org.tokenlab.quantize.VectorQuantizer[] vq = new org.tokenlab.quantize.VectorQuantizer[1];
            java.util.List<NDArray> straight;
            java.util.List<Map<String, Double>> straightMetrics = new java.util.ArrayList<>();
            try (GanTrainer t = resumableRun(1, vq)) {
                for (int i = 0; i < 3; i++) {
                    t.step(batches.get(i));
                }
                t.save(file);
                for (int i = 3; i < 6; i++) {
                    straightMetrics.add(t.step(batches.get(i)));
                }
                straight = parameterCopies(t, m);
            }
            try (GanTrainer t = resumableRun(2, vq)) { // another initialization: everything must come from the file
                t.resume(file);
                assertEquals(3, t.steps());
                for (int i = 3; i < 6; i++) {
                    assertEquals(straightMetrics.get(i - 3), t.step(batches.get(i)), "step " + (i + 1) + "'s metrics");
                }
                java.util.List<NDArray> resumed = parameterCopies(t, m);
                assertEquals(straight.size(), resumed.size());
                for (int i = 0; i < straight.size(); i++) {
                    assertEquals(straight.get(i), resumed.get(i), "parameter " + i + " after resuming");
                }
            }
        }
    }

    @Test
    void settingsAreChecked() {
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> GanTrainer.Settings.builder().optPerceptualWeight(-1).build());
        assertTrue(weight.getMessage().contains("perceptualWeight") && weight.getMessage().contains("-1.0")
                && weight.getMessage().contains("0 turns the perceptual loss off"), weight.getMessage());
        IllegalArgumentException every = assertThrows(IllegalArgumentException.class,
                () -> GanTrainer.Settings.builder().optAdaptiveEvery(0).build());
        assertTrue(every.getMessage().contains("adaptiveEvery must be at least 1, got 0"), every.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> GanTrainer.Settings.builder().optPerceptualWeight(Double.NaN).build());
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        IllegalArgumentException warmup = assertThrows(IllegalArgumentException.class,
                () -> GanTrainer.Settings.builder().optWarmup(null).build());
        assertTrue(warmup.getMessage().contains("DiscriminatorWarmup.startingAt"), warmup.getMessage());
        IllegalArgumentException lecam = assertThrows(IllegalArgumentException.class,
                () -> GanTrainer.Settings.builder().optLeCam(-0.001).build());
        assertTrue(lecam.getMessage().contains("lecamWeight") && lecam.getMessage().contains("MAGVIT uses 0.001"),
                lecam.getMessage());
    }

    @Test
    void theSettingsBuilderNamesEachSettingAndStartsFromTheDefaults() {
        assertEquals(new GanTrainer.Settings(GanLosses.HINGE, DiscriminatorWarmup.startingAt(500), 1.0, 10),
                GanTrainer.Settings.defaults());
        assertEquals(GanTrainer.Settings.defaults(), GanTrainer.Settings.builder().build());
        GanTrainer.Settings recipe = GanTrainer.Settings.builder()
                .optGan(GanLosses.NON_SATURATING)
                .optWarmup(DiscriminatorWarmup.startingAt(1201).withFactor(0.1).withRampSteps(100))
                .optPerceptualWeight(0.5)
                .optAdaptiveEvery(5)
                .optLeCam(0.001)
                .build();
        assertEquals(new GanTrainer.Settings(GanLosses.NON_SATURATING, new DiscriminatorWarmup(1201, 0.1, 100), 0.5, 5,
                0.001), recipe);
        assertEquals(0, GanTrainer.Settings.defaults().lecamWeight(), "VQGAN trains without LeCam");
    }

    @Test
    void frozenTokensKeepTheEncoderAndCodebookWhileTheDecoderTrains() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray images = m.randomUniform(-1, 1, IMAGES);
            org.tokenlab.quantize.VectorQuantizer vq = org.tokenlab.quantize.VectorQuantizer.builder().setCodebookSize(16)
                    .setCodeDimension(4).optDeadCodeThreshold(1).optDeadCodeWindow(1).optSeed(1).build();
            VqganTokenizer g = VqganTokenizer.of(SMALL, vq);
            Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
            try (GanTrainer t = new GanTrainer(g, d, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), IMAGES, null,
                    everyStep())) {
                t.step(images);
                g.freezeTokens(true);
                float encoderBefore = firstParameterSum(g.getChildren().get(0).getValue());
                NDArray codebookBefore = vq.codebook().duplicate();
                NDArray idsBefore = g.encode(images);
                float decoderBefore = g.lastLayerWeight().sum().getFloat();
                t.step(images);
                t.step(images);
                assertEquals(encoderBefore, firstParameterSum(g.getChildren().get(0).getValue()));
                assertEquals(codebookBefore, vq.codebook(), "neither Adam nor dead-code replacement moves frozen codes");
                assertEquals(idsBefore, g.encode(images));
                assertNotEquals(decoderBefore, g.lastLayerWeight().sum().getFloat());
                assertTrue(g.tokensFrozen());
                g.freezeTokens(false);
                t.step(images);
                assertNotEquals(encoderBefore, firstParameterSum(g.getChildren().get(0).getValue()));
            }
        }
    }
}
