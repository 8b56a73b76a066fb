package org.tokenlab.magvit2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.StyleGanDiscriminator;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.train.Checkpoint;
import org.tokenlab.train.GanTrainer;

/** The VQ baseline of the same architecture: {@code QuantizerKind.VECTOR}, 2^d codes of d values. */
class Magvit2VectorQuantizerTest {

    static Magvit2Config vq(long seed) {
        return Magvit2Config.builder().setImageChannels(1).optQuantizer(QuantizerKind.VECTOR).optCodebookSeed(seed).build();
    }

    static Magvit2Tokenizer initialized(NDManager m, Magvit2Config config) {
        m.getEngine().setRandomSeed(3);
        Magvit2Tokenizer t = Magvit2Tokenizer.of(config);
        t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 16, 16));
        return t;
    }

    static Map<String, Shape> shapes(Magvit2Tokenizer t) {
        Map<String, Shape> out = new TreeMap<>();
        for (Pair<String, Parameter> p : t.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().getShape());
        }
        return out;
    }

    @Test
    void theVqTokenizerHasTheLfqTokenizersLayersPlusACodebookOfTwoToTheDCodes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer lfq = initialized(m, Magvit2Config.smoke());
            Magvit2Tokenizer vq = initialized(m, vq(0));
            Map<String, Shape> extra = shapes(vq);
            extra.keySet().removeAll(shapes(lfq).keySet());
            assertEquals(1, extra.size(), "only the codebook is new: " + extra);
            assertEquals(new Shape(256, 8), extra.values().iterator().next(), "2^8 codes of 8 values");
            Map<String, Shape> common = shapes(vq);
            common.keySet().retainAll(shapes(lfq).keySet());
            assertEquals(shapes(lfq), common, "encoder and decoder have the same names and shapes");
            assertTrue(vq.quantizer() instanceof VectorQuantizer);
            assertEquals(256, vq.quantizer().codebookSize());
            NDArray clip = m.randomUniform(-1, 1, new Shape(2, 1, 5, 16, 16));
            NDArray ids = vq.encode(clip);
            assertEquals(lfq.encode(clip).getShape(), ids.getShape(), "the same token grid");
            assertTrue(ids.min().getLong() >= 0 && ids.max().getLong() < 256);
            assertEquals(clip.getShape(), vq.decode(ids).getShape());
            NDArray image = clip.get(":, :, 0");
            assertEquals(0, vq.encode(image).neq(ids.get(":, 0:1")).sum().getLong(), "still causal: image = first latent frame");
            assertThrows(IllegalStateException.class, vq::lookupFreeQuantizer);
        }
    }

    @Test
    void trainingMovesTheCodebookAndACheckpointBringsTheTokensBack(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = Magvit2Tokenizer.of(vq(1));
            Shape clips = new Shape(2, 1, 5, 16, 16);
            StyleGanDiscriminator discriminator = StyleGanDiscriminator.builder().optInputChannels(1).optBaseChannels(4)
                    .optChannelMultipliers(1).optSpatialRank(SpatialRank.THREE).build();
            GanTrainer.Settings recipe = GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.startingAt(100)).build();
            NDArray x = m.randomUniform(-1, 1, clips);
            try (GanTrainer trainer = new GanTrainer(t, discriminator, Optimizer.adam().optLearningRateTracker(
                    Tracker.fixed(1e-2f)).build(), Optimizer.adam().build(), clips, null, recipe)) {
                NDArray before = ((VectorQuantizer) t.quantizer()).codebook().duplicate();
                Map<String, Double> step = trainer.step(x);
                assertTrue(Double.isFinite(step.get("quantizer")), step.toString());
                assertFalse(before.contentEquals(((VectorQuantizer) t.quantizer()).codebook()), "the codebook loss moved codes");
                Path file = dir.resolve("vq.ckpt");
                Checkpoint.save(file, t, t.configuration());
                assertEquals("VECTOR", Checkpoint.readConfig(file).get("quantizerKind"));
                assertEquals("VectorQuantizer", Checkpoint.readConfig(file).get("quantizer.type"));
                Magvit2Tokenizer loaded = initialized(m, vq(1));
                Checkpoint.load(file, loaded, loaded.configuration(), m);
                assertEquals(0, t.encode(x).neq(loaded.encode(x)).sum().getLong());
            }
        }
    }

    @Test
    void settingsThatDoNothingForVqAreRefused() {
        var base = Magvit2Config.builder().setImageChannels(1);
        assertEquals(0, vq(0).entropyWeight(), "VQ has no entropy loss");
        assertEquals(0.1, Magvit2Config.smoke().entropyWeight(), "LFQ's default stays");
        String entropy = assertThrows(IllegalArgumentException.class,
                () -> base.optQuantizer(QuantizerKind.VECTOR).optEntropyWeight(0.1).build()).getMessage();
        assertTrue(entropy.contains("entropy settings are LFQ's"), entropy);
        String bits = assertThrows(IllegalArgumentException.class, () -> Magvit2Config.builder().setImageChannels(1)
                .optQuantizer(QuantizerKind.VECTOR).optLatentBits(18).build()).getMessage();
        assertTrue(bits.contains("at most 16 latent bits"), bits);
        String seed = assertThrows(IllegalArgumentException.class,
                () -> Magvit2Config.builder().setImageChannels(1).optCodebookSeed(4).build()).getMessage();
        assertTrue(seed.contains("LFQ has none"), seed);
        assertEquals(List.of(QuantizerKind.LOOKUP_FREE, QuantizerKind.VECTOR), List.of(QuantizerKind.values()));
    }
}
