package org.tokenlab.magvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenlab.nn.Inflation;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.metrics.Psnr;
import org.tokenlab.tokenizer.TokenizerEvaluation;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;
import org.tokenlab.train.Checkpoint;

class MagvitTokenizerTest {

    /** Two levels, time halved once: 8x16x16 clips become 4x8x8 tokens. */
    static MagvitConfig small() {
        return MagvitConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2)
                .optTemporalDownsampling(true).optGroups(4).optLatentChannels(8).build();
    }

    static VectorQuantizer vq() {
        return VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optSeed(3).build();
    }

    @Test
    void clipsBecomeAGridShorterInTimeAndComeBackAtTheirShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            MagvitTokenizer t = MagvitTokenizer.of(small(), vq());
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 8, 16, 16));
            NDArray clips = m.randomUniform(-1, 1, new Shape(2, 1, 8, 16, 16));
            TokenizerOutput out = t.forward(new ParameterStore(m, false), clips, false);
            assertEquals(new Shape(2, 1, 8, 16, 16), out.reconstruction().getShape());
            assertEquals(new Shape(2, 4, 8, 8), out.ids().getShape());
            NDArray ids = t.encode(clips);
            assertEquals(0, ids.neq(out.ids()).sum().getLong(), "encode gives the forward pass's ids");
            float gap = t.decode(ids).sub(out.reconstruction()).abs().max().getFloat();
            assertTrue(gap < 1e-4f, "decode(encode(x)) differs from the forward's reconstruction by " + gap);
            assertEquals(2, t.downsamplingFactor());
            assertEquals(2, t.temporalFactor());
        }
    }

    @Test
    void clipsAreEvaluatedFrameByFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            MagvitTokenizer t = MagvitTokenizer.of(small(), vq());
            t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 16, 16));
            NDArray clips = m.randomUniform(-1, 1, new Shape(3, 1, 4, 16, 16));
            NDArray reconstruction = t.decode(t.encode(clips));
            double sum = 0;
            for (int clip = 0; clip < 3; clip++) {
                for (int f = 0; f < 4; f++) {
                    String frame = clip + ", :, " + f;
                    sum += Psnr.of(reconstruction.get(frame).expandDims(0), clips.get(frame).expandDims(0));
                }
            }
            TokenizerEvaluation evaluation = TokenizerEvaluation.of(t, clips, 2);
            assertEquals(sum / 12, evaluation.psnr(), 1e-4, "the mean PSNR of the 12 frames");
            assertEquals(3, evaluation.images());
            assertEquals(3 * 2 * 8 * 8, evaluation.usage().tokens());
        }
    }

    @Test
    void theConfigsPaddingReachesEveryConvolutionAndKeepsTheParameterNames() {
        try (NDManager m = NDManager.newBaseManager()) {
            MagvitTokenizer reflect = MagvitTokenizer.of(small(), vq());
            MagvitTokenizer zeros = MagvitTokenizer.of(MagvitConfig.builder().setImageChannels(1).optBaseChannels(8)
                    .optChannelMultipliers(1, 2).optTemporalDownsampling(true).optGroups(4).optLatentChannels(8)
                    .optPadding(PaddingMode.ZEROS).build(), vq());
            assertEquals(PaddingMode.REFLECT, small().padding(), "MAGVIT's default");
            Shape clip = new Shape(1, 1, 4, 16, 16);
            reflect.initialize(m, DataType.FLOAT32, clip);
            zeros.initialize(m, DataType.FLOAT32, clip);
            assertEquals(zeros.getParameters().keys(), reflect.getParameters().keys());
            zeros.getParameters().forEach(p -> reflect.getParameters().get(p.getKey()).getArray()
                    .set(p.getValue().getArray().toFloatArray()));
            NDArray x = m.randomUniform(-1, 1, clip);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = reflect.forward(ps, x, false).reconstruction();
            NDArray b = zeros.forward(ps, x, false).reconstruction();
            float border = a.get(":, :, :, 0").sub(b.get(":, :, :, 0")).abs().max().getFloat();
            assertTrue(border > 1e-4f, "same weights, other padding: the border row must differ, got " + border);
        }
    }

    @Test
    void tokenShapeAndInputShapeAreInverse() {
        MagvitTokenizer t = MagvitTokenizer.of(MagvitConfig.defaults(), vq());
        assertEquals(new Shape(3, 4, 8, 8), t.tokenShape(new Shape(3, 1, 8, 32, 32)));
        assertEquals(new Shape(3, 1, 8, 32, 32), t.inputShape(new Shape(3, 4, 8, 8), 1));
        MagvitTokenizer paper = MagvitTokenizer.of(MagvitConfig.paper(), vq());
        assertEquals(new Shape(1, 4, 16, 16), paper.tokenShape(new Shape(1, 1, 16, 64, 64)), "the paper's 4x16x16 grid");
        MagvitTokenizer residual = MagvitTokenizer.of(MagvitConfig.defaults(),
                ResidualQuantizer.builder().setLevels(java.util.List.of(vq(), vq())).build());
        assertEquals(new Shape(3, 2, 4, 8, 8), residual.tokenShape(new Shape(3, 1, 8, 32, 32)));
        assertEquals(new Shape(3, 1, 8, 32, 32), residual.inputShape(new Shape(3, 2, 4, 8, 8), 1));
    }

    @Test
    void badClipsAreExplained() {
        MagvitTokenizer t = MagvitTokenizer.of(MagvitConfig.defaults(), vq());
        String rank = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(3, 1, 32, 32))).getMessage();
        assertTrue(rank.contains("videos (B, C, T, H, W)") && rank.contains("expandDims(2)"), rank);
        String time = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(3, 1, 7, 32, 32))).getMessage();
        assertTrue(time.contains("T must be a multiple of 2") && time.contains("crop to 6 or pad to 8"), time);
        String space = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(3, 1, 8, 30, 32))).getMessage();
        assertTrue(space.contains("multiples of 4") && space.contains("H 30"), space);
        String channels = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(3, 3, 8, 32, 32))).getMessage();
        assertTrue(channels.contains("1 channel(s)"), channels);
        try (NDManager m = NDManager.newBaseManager()) {
            MagvitTokenizer s = MagvitTokenizer.of(small(), vq());
            String init = assertThrows(IllegalArgumentException.class,
                    () -> s.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 16, 16))).getMessage();
            assertTrue(init.contains("T a multiple of 2") && init.contains("(1, 1, 5, 16, 16)"), init);
            s.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 16, 16));
            String ids = assertThrows(IllegalArgumentException.class, () -> s.decode(m.zeros(new Shape(1, 8, 8), DataType.INT64)))
                    .getMessage();
            assertTrue(ids.contains("token grids (B, t, h, w)") && ids.contains("(1, 8, 8)"), ids);
        }
        String flags = assertThrows(IllegalArgumentException.class,
                () -> MagvitConfig.builder().setImageChannels(1).optChannelMultipliers(1, 2, 2, 4).build()).getMessage();
        assertTrue(flags.contains("3 for 4 channel multipliers") && flags.contains("[false, true]"), flags);
        String widths = assertThrows(IllegalArgumentException.class,
                () -> MagvitConfig.builder().setImageChannels(1).optBaseChannels(12).build()).getMessage();
        assertTrue(widths.startsWith("MagvitConfig: ") && widths.contains("multiple of groups = 8"), widths);
    }

    /** A 2D VQGAN of {@link #small()}'s widths, with attention, saved as a notebook saves it. */
    private static VqganTokenizer twoDimensional(NDManager m, Path file, int baseChannels) throws Exception {
        VqganConfig config = VqganConfig.builder().setImageChannels(1).optBaseChannels(baseChannels)
                .optChannelMultipliers(1, 2).optGroups(4).optLatentChannels(8).build();
        VqganTokenizer vqgan = VqganTokenizer.of(config, vq());
        vqgan.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
        Checkpoint.save(file, vqgan, vqgan.configuration());
        return vqgan;
    }

    @Test
    void aCentrallyInflatedTokenizerGivesTheTwoDimensionalTokensAndPicturesOfAStillClip(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            Path file = dir.resolve("vqgan.ckpt");
            VqganTokenizer vqgan = twoDimensional(m, file, 8);
            MagvitConfig config = MagvitConfig.builder().like(vqgan.config()).build();
            assertTrue(config.attention(), "like() keeps the 2D model's attention, now frame by frame");
            assertEquals(PaddingMode.ZEROS, config.padding(), "and its zero padding");
            MagvitTokenizer magvit = MagvitTokenizer.of(config, vq());
            magvit.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 16, 16));
            magvit.inflateFrom(file, Inflation.CENTRAL);

            NDArray frame = m.randomUniform(-1, 1, new Shape(1, 1, 16, 16));
            NDArray still = frame.expandDims(2).repeat(2, 4);   // (1, 1, 4, 16, 16)
            NDArray ids2d = vqgan.encode(frame);                 // (1, 8, 8)
            NDArray ids3d = magvit.encode(still);                // (1, 2, 8, 8)
            for (int t = 0; t < 2; t++) {
                assertEquals(0, ids3d.get(":, " + t).neq(ids2d).sum().getLong(), "latent frame " + t);
            }
            NDArray picture2d = vqgan.decode(ids2d);
            NDArray clip = magvit.decode(ids3d);                 // (1, 1, 4, 16, 16)
            for (int t = 0; t < 4; t++) {
                float gap = clip.get(":, :, " + t).sub(picture2d).abs().max().getFloat();
                assertTrue(gap < 1e-4f, "frame " + t + " differs from the 2D picture by " + gap);
            }
        }
    }

    @Test
    void aCheckpointThatDoesNotFitIsExplained(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = dir.resolve("wide.ckpt");
            twoDimensional(m, file, 16);
            MagvitTokenizer magvit = MagvitTokenizer.of(MagvitConfig.builder().like(
                    VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2).optGroups(4)
                            .optLatentChannels(8).build()).build(), vq());
            String early = assertThrows(IllegalArgumentException.class, () -> magvit.inflateFrom(file, Inflation.CENTRAL))
                    .getMessage();
            assertTrue(early.contains("initialize"), early);
            magvit.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 16, 16));
            String widths = assertThrows(IllegalArgumentException.class, () -> magvit.inflateFrom(file, Inflation.CENTRAL))
                    .getMessage();
            assertTrue(widths.contains("baseChannels = 16 but this tokenizer has 8") && widths.contains("like(vqganConfig)"),
                    widths);
            Path video = dir.resolve("magvit.ckpt");
            Checkpoint.save(video, magvit, magvit.configuration());
            String kind = assertThrows(IllegalArgumentException.class, () -> magvit.inflateFrom(video, Inflation.AVERAGE))
                    .getMessage();
            assertTrue(kind.contains("expects a checkpoint of a VqganTokenizer") && kind.contains("MagvitTokenizer"), kind);
            Map<String, String> stored = Checkpoint.readConfig(video);
            assertEquals("[true]", stored.get("temporalDownsampling"));
        }
    }
}
