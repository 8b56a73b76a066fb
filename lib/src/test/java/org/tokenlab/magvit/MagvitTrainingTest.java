package org.tokenlab.magvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.StyleGanDiscriminator;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.train.GanTrainer;

/** MAGVIT's recipe through the trainer VQGAN uses: a 3D tokenizer, a 3D discriminator and LeCam. */
class MagvitTrainingTest {

    static final Shape CLIPS = new Shape(2, 1, 4, 16, 16);

    static GanTrainer trainer(long discriminatorStart, float rate) {
        MagvitTokenizer tokenizer = MagvitTokenizer.of(MagvitTokenizerTest.small(), MagvitTokenizerTest.vq());
        StyleGanDiscriminator discriminator = StyleGanDiscriminator.builder().optInputChannels(1).optBaseChannels(4)
                .optChannelMultipliers(1, 2).optSpatialRank(SpatialRank.THREE).build();
        GanTrainer.Settings recipe = GanTrainer.Settings.builder()
                .optWarmup(DiscriminatorWarmup.startingAt(discriminatorStart)).optAdaptiveEvery(2).optLeCam(0.001).build();
        return new GanTrainer(tokenizer, discriminator, Optimizer.adam().optLearningRateTracker(Tracker.fixed(rate)).build(),
                Optimizer.adam().optLearningRateTracker(Tracker.fixed(rate)).build(), CLIPS, null, recipe);
    }

    @Test
    void clipsTrainWithTheDiscriminatorAndLeCamOnceTheWarmUpEnds() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray clips = m.create(new float[] {0.6f, -0.4f}).reshape(2, 1, 1, 1, 1).broadcast(CLIPS);   // one grey per clip
            try (GanTrainer t = trainer(3, 3e-3f)) {
                Map<String, Double> first = t.step(clips);
                assertFalse(first.containsKey("lecam"), "no LeCam before the discriminator starts: " + first);
                assertEquals(0, t.lecam().updates());
                double reconstruction = first.get("reconstruction");
                t.step(clips);
                Map<String, Double> third = t.step(clips);
                assertTrue(third.containsKey("lecam") && third.get("lecam") >= 0, third.toString());
                assertFalse(Double.isNaN(third.get("discriminator")), third.toString());
                assertEquals(1, t.lecam().updates());
                for (int i = 0; i < 6; i++) {
                    t.step(clips);
                }
                double last = t.step(clips).get("reconstruction");
                assertTrue(last < 0.7 * reconstruction, "L1 " + reconstruction + " -> " + last);
            }
        }
    }

    @Test
    void aSavedRunResumesWithItsLeCamAnchors(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            List<NDArray> batches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batches.add(m.randomUniform(-1, 1, CLIPS));
            }
            Path file = dir.resolve("run.ckpt");
            List<Map<String, Double>> straight = new ArrayList<>();
            String anchors;
            try (GanTrainer t = trainer(1, 1e-3f)) {
                t.step(batches.get(0));
                t.step(batches.get(1));
                t.save(file);
                anchors = t.lecam().toString();
                straight.add(t.step(batches.get(2)));
                straight.add(t.step(batches.get(3)));
            }
            m.getEngine().setRandomSeed(99);   // another initialization: everything must come from the file
            try (GanTrainer t = trainer(1, 1e-3f)) {
                t.resume(file);
                assertEquals(anchors, t.lecam().toString());
                assertEquals(straight.get(0), t.step(batches.get(2)));
                assertEquals(straight.get(1), t.step(batches.get(3)));
            }
        }
    }
}
