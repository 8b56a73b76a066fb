package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;
import org.tokenlab.train.GanTrainer;
import org.tokenlab.train.StepTrainer;

class StyleGanDiscriminatorTest {

    /** A small video discriminator: 8 base channels, two blocks, the first of which also halves time. */
    private static StyleGanDiscriminator smallVideo() {
        return StyleGanDiscriminator.builder().optSpatialRank(SpatialRank.THREE).optBaseChannels(8)
                .optChannelMultipliers(1, 2).optTemporalDownsampling(true, false).build();
    }

    private static NDArray logits(StyleGanDiscriminator d, NDArray x) {
        return d.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    /** The array of the one parameter whose name ends in {@code suffix} (DJL prefixes child names with positions). */
    private static NDArray parameter(Block block, String suffix) {
        var matches = block.getParameters().keys().stream().filter(k -> k.endsWith(suffix)).toList();
        assertEquals(1, matches.size(), "parameters ending in " + suffix + ": " + matches);
        return block.getParameters().get(matches.get(0)).getArray();
    }

    @Test
    void imagesAndVideosGiveOneLogitPerExample() {
        try (NDManager m = NDManager.newBaseManager()) {
            StyleGanDiscriminator images = StyleGanDiscriminator.builder().optBaseChannels(8).build();
            Shape digits = new Shape(2, 1, 32, 32);
            images.initialize(m, DataType.FLOAT32, digits);
            assertEquals(new Shape(2, 1), logits(images, m.randomUniform(-1, 1, digits)).getShape());
            assertEquals(new Shape(2, 1), images.getOutputShapes(new Shape[] {digits})[0]);
            assertEquals(8, images.downsamplingFactor());

            StyleGanDiscriminator videos = smallVideo();
            Shape clips = new Shape(3, 1, 4, 16, 16);
            videos.initialize(m, DataType.FLOAT32, clips);
            assertEquals(new Shape(3, 1), logits(videos, m.randomUniform(-1, 1, clips)).getShape());
            assertEquals(new Shape(3, 1), videos.getOutputShapes(new Shape[] {clips})[0]);
            assertEquals(2, videos.temporalFactor());
            // the dense layer sees ch_n * (T/2) * (H/4) * (W/4) = 16 * 2 * 4 * 4 features
            assertEquals(new Shape(16, 512), parameter(videos, "dense_weight").getShape());
        }
    }

    @Test
    void eachClipsLogitDependsOnThatClipAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            StyleGanDiscriminator d = smallVideo();
            NDArray clips = m.randomUniform(-1, 1, new Shape(3, 1, 4, 16, 16));
            d.initialize(m, DataType.FLOAT32, clips.getShape());
            NDArray together = logits(d, clips);
            for (int i = 0; i < 3; i++) {
                NDArray alone = logits(d, clips.get(new NDIndex("{}:{}", i, i + 1)));
                assertEquals(alone.getFloat(0, 0), together.getFloat(i, 0), 1e-5f, "clip " + i);
            }
            // replacing the last clip leaves the others' logits as they were
            NDArray changed = NDArrays.concat(new NDList(clips.get("0:2"), m.ones(new Shape(1, 1, 4, 16, 16))));
            NDArray after = logits(d, changed);
            assertEquals(together.getFloat(0, 0), after.getFloat(0, 0), 1e-5f);
            assertEquals(together.getFloat(1, 0), after.getFloat(1, 0), 1e-5f);
            assertNotEquals(together.getFloat(2, 0), after.getFloat(2, 0));
        }
    }

    @Test
    void theBlurFilterSumsToOneAndKeepsAConstantAwayFromTheBorder() {
        BlurDownsample image = new BlurDownsample(SpatialRank.TWO, true, true);
        BlurDownsample space = new BlurDownsample(SpatialRank.THREE, false, true, true);
        assertEquals(new Shape(4, 4), image.kernel());
        assertEquals(new Shape(1, 4, 4), space.kernel());
        assertEquals(64, new BlurDownsample(SpatialRank.THREE, true, true, true).filter().length);
        for (BlurDownsample blur : new BlurDownsample[] {image, space}) {
            double sum = 0;
            for (float f : blur.filter()) {
                sum += f;
            }
            assertEquals(1.0, sum, 1e-6);
        }
        // the outer product of [1, 3, 3, 1] / 8 with itself: corner 1/64, centre 9/64
        assertEquals(1 / 64f, image.filter()[0], 1e-7f);
        assertEquals(9 / 64f, image.filter()[5], 1e-7f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray flat = image.apply(m.full(new Shape(1, 2, 8, 8), 3f));
            assertEquals(new Shape(1, 2, 4, 4), flat.getShape());
            assertArrayEquals(m.full(new Shape(1, 2, 2, 2), 3f).toFloatArray(), flat.get(":, :, 1:3, 1:3").toFloatArray(), 1e-6f);
            assertEquals(3f * 7 / 8, flat.getFloat(0, 0, 0, 1), 1e-6f);   // one zero of padding on the top edge
            NDArray clip = space.apply(m.full(new Shape(1, 1, 3, 8, 8), -2f));
            assertEquals(new Shape(1, 1, 3, 4, 4), clip.getShape());
            assertArrayEquals(m.full(new Shape(1, 1, 3, 2, 2), -2f).toFloatArray(),
                    clip.get(":, :, :, 1:3, 1:3").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradientsReachTheFirstConvolutionAndAreFinite() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            StyleGanDiscriminator d = smallVideo();
            NDArray real = m.randomUniform(-1, 1, new Shape(2, 1, 4, 16, 16));
            NDArray fake = m.randomUniform(-1, 1, new Shape(2, 1, 4, 16, 16));
            d.initialize(m, DataType.FLOAT32, real.getShape());
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray dReal = d.forward(ps, new NDList(real), true).singletonOrThrow();
                NDArray dFake = d.forward(ps, new NDList(fake), true).singletonOrThrow();
                gc.backward(GanLosses.HINGE.discriminatorLoss(dReal, dFake));
            }
            NDArray first = parameter(d, "stem_weight").getGradient();
            assertTrue(first.abs().sum().getFloat() > 0, "no gradient at the first convolution");
            assertFalse(first.isNaN().any().getBoolean() || first.isInfinite().any().getBoolean(), "non-finite gradient");
        }
    }

    @Test
    void aFewHingeStepsWithAdamTellConstantClipsFromNoise() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            Shape half = new Shape(4, 1, 4, 16, 16);
            NDArray real = m.randomUniform(-1, 1, new Shape(4, 1, 1, 1, 1)).broadcast(half);   // one grey level per clip
            NDArray fake = m.randomUniform(-1, 1, half);
            NDArray both = NDArrays.concat(new NDList(real, fake));   // no batch coupling: one pass judges both
            LeCam lecam = new LeCam();
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            try (StepTrainer trainer = new StepTrainer(smallVideo(), adam, both.getShape())) {
                Function<NDList, NDArray> loss = out -> {
                    NDArray dReal = out.singletonOrThrow().get("0:4");
                    NDArray dFake = out.singletonOrThrow().get("4:8");
                    lecam.update(dReal, dFake);
                    return GanLosses.HINGE.discriminatorLoss(dReal, dFake).add(lecam.loss(dReal, dFake).mul(0.001f));
                };
                float first = trainer.step(new NDList(both), loss, out -> { });
                float last = first;
                while (last > 0.2f && trainer.steps() < 60) {
                    last = trainer.step(new NDList(both), loss, out -> { });
                }
                assertTrue(first > 1.5f && last < 0.2f, "hinge loss " + first + " -> " + last + " in " + trainer.steps() + " steps");
                NDArray judged = trainer.predict(new NDList(both)).singletonOrThrow();
                assertTrue(judged.get("0:4").min().getFloat() > judged.get("4:8").max().getFloat(),
                        "every constant clip should score above every noise clip: " + Arrays.toString(judged.toFloatArray()));
            }
        }
    }

    @Test
    void servesAsTheDiscriminatorOfGanTrainer() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            Shape shape = new Shape(2, 1, 16, 16);
            VqganConfig small = VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2)
                    .optAttention(false).optGroups(4).optLatentChannels(8).build();
            VqganTokenizer g = VqganTokenizer.of(small, LookupFreeQuantizer.builder().setCodeDimension(6).build());
            Block d = StyleGanDiscriminator.builder().optBaseChannels(8).optChannelMultipliers(1, 2).build();
            GanTrainer.Settings settings = GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.none()).build();
            try (GanTrainer t = new GanTrainer(g, d, Optimizer.adam().build(), Optimizer.adam().build(), shape, null, settings)) {
                float before = parameter(d, "stem_weight").sum().getFloat();
                Map<String, Double> metrics = t.step(m.randomUniform(-1, 1, shape));
                assertTrue(Double.isFinite(metrics.get("discriminator")) && Double.isFinite(metrics.get("generator_gan")),
                        metrics.toString());
                assertNotEquals(before, parameter(d, "stem_weight").sum().getFloat());
            }
        }
    }

    @Test
    void badInputsAndOptionsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            StyleGanDiscriminator images = StyleGanDiscriminator.builder().optBaseChannels(4).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> images.initialize(m, DataType.FLOAT32, new Shape(2, 1, 8, 32, 32)));
            assertTrue(e.getMessage().contains("(B, 1, H, W)") && e.getMessage().contains("(2, 1, 8, 32, 32)")
                    && e.getMessage().contains("optSpatialRank(SpatialRank.THREE)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> images.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32)));
            assertTrue(e.getMessage().contains("optInputChannels"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> images.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28)));
            assertTrue(e.getMessage().contains("multiples of 8") && e.getMessage().contains("(2, 1, 28, 28)"), e.getMessage());

            StyleGanDiscriminator videos = smallVideo();
            e = assertThrows(IllegalArgumentException.class, () -> videos.initialize(m, DataType.FLOAT32, new Shape(1, 1, 3, 16, 16)));
            assertTrue(e.getMessage().contains("T a multiple of 2"), e.getMessage());
            videos.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 16, 16));
            e = assertThrows(IllegalArgumentException.class, () -> logits(videos, m.zeros(new Shape(1, 1, 4, 32, 32))));
            assertTrue(e.getMessage().contains("initialized for 512 features") && e.getMessage().contains("gives 2048"), e.getMessage());

            e = assertThrows(IllegalArgumentException.class,
                    () -> StyleGanDiscriminator.builder().optTemporalDownsampling(true, true, true).build());
            assertTrue(e.getMessage().contains("optSpatialRank(SpatialRank.THREE)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> StyleGanDiscriminator.builder()
                    .optSpatialRank(SpatialRank.THREE).optTemporalDownsampling(true).build());
            assertTrue(e.getMessage().contains("one flag per block (3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> StyleGanDiscriminator.builder().optChannelMultipliers().build());
            assertTrue(e.getMessage().contains("at least one entry"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> StyleGanDiscriminator.builder().optBaseChannels(0).build());
        }
    }
}
