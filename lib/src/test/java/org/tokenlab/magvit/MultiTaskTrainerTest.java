package org.tokenlab.magvit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tokenlab.generate.MaskGitResult;
import org.tokenlab.generate.MaskGitSampler;
import org.tokenlab.generate.MaskedTokenTransformer;
import org.tokenlab.mask.ConditionFrames;
import org.tokenlab.mask.GridShape;
import org.tokenlab.mask.MagvitTask;
import org.tokenlab.mask.MaskingScheme;
import org.tokenlab.mask.TokenMask;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.tokenizer.VisualTokenizer;

/** Multi-task masked token modeling on token grids of a tokenizer simple enough to check by hand. */
class MultiTaskTrainerTest {

    static final int K = 8;

    /** Each 2x4x4 block of a clip becomes the bucket of its mean brightness: K levels over [-1, 1]. */
    static final class BlockMeans implements VisualTokenizer {
        @Override
        public NDArray encode(NDArray pixels) {
            Shape s = pixels.getShape();                                            // (B, 1, T, H, W)
            NDArray blocks = pixels.reshape(s.get(0), s.get(2) / 2, 2, s.get(3) / 4, 4, s.get(4) / 4, 4).mean(new int[] {6}).mean(new int[] {4}).mean(new int[] {2});
            return blocks.add(1).mul(K / 2f).floor().clip(0, K - 1).toType(DataType.INT64, false);  // (B, t, h, w)
        }

        @Override
        public NDArray decode(NDArray ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Quantizer quantizer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int downsamplingFactor() {
            return 4;
        }
    }

    /** 6 clips of 8 frames 16x16: clip c is a flat grey that brightens over time, its class c % 3. */
    static NDArray clips(NDManager m) {
        NDArray t = m.arange(8f).reshape(1, 1, 8, 1, 1).div(8);
        NDArray c = m.arange(6f).reshape(6, 1, 1, 1, 1).div(6);
        return t.add(c).mul(1.2f).sub(1).broadcast(new Shape(6, 1, 8, 16, 16)).duplicate();
    }

    static final int[] LABELS = {0, 1, 2, 0, 1, 2};

    @Test
    void taskTokensHoldTheRealAndEachTasksConditionTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray clips = clips(m);
            List<MagvitTask> tasks = List.of(MagvitTask.FRAME_PREDICTION, MagvitTask.CLASS_CONDITIONAL_FRAME_PREDICTION,
                    MagvitTask.CLASS_CONDITIONAL_GENERATION);
            try (TaskTokens tokens = TaskTokens.of(new BlockMeans(), clips, LABELS, tasks, ConditionFrames.DEFAULT, 4)) {
                assertEquals(new GridShape(4, 4, 4), tokens.grid());
                assertEquals(new Shape(6, 64), tokens.real().getShape());
                long[] real = tokens.real().toLongArray();
                long[] fp = tokens.condition(MagvitTask.FRAME_PREDICTION).toLongArray();
                // frame prediction repeats frame 0: every latent frame of its condition clip is the first frame's bucket
                for (int clip = 0; clip < 6; clip++) {
                    long first = fp[clip * 64];
                    for (int i = 0; i < 64; i++) {
                        assertEquals(first, fp[clip * 64 + i], "clip " + clip + " position " + i);
                    }
                    assertTrue(real[clip * 64 + 63] > first, "the real clip brightens over time");
                }
                assertArrayEquals(fp, tokens.condition(MagvitTask.CLASS_CONDITIONAL_FRAME_PREDICTION).toLongArray());
                assertArrayEquals(real, tokens.condition(MagvitTask.CLASS_CONDITIONAL_GENERATION).toLongArray());
                var e = assertThrows(IllegalArgumentException.class, () -> tokens.condition(MagvitTask.CENTRAL_INPAINTING));
                assertTrue(e.getMessage().contains("list it in TaskTokens.of"), e.getMessage());
            }
            var labels = assertThrows(IllegalArgumentException.class,
                    () -> TaskTokens.of(new BlockMeans(), clips, new int[] {0}, List.of(MagvitTask.FRAME_PREDICTION), ConditionFrames.DEFAULT, 4));
            assertTrue(labels.getMessage().contains("one label per clip (6), got 1"), labels.getMessage());
        }
    }

    static MaskedTokenTransformer model(int tasks) {
        return MaskedTokenTransformer.builder().setCodebook(K).setGridLength(64).optTasks(tasks).optClasses(3)
                .optLayers(2).optHeads(2).optWidth(32).build();
    }

    @Test
    void trainingLowersTheLossAndDecodingKeepsTheGivenRegion() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            List<MagvitTask> tasks = List.of(MagvitTask.FRAME_PREDICTION, MagvitTask.CENTRAL_OUTPAINTING,
                    MagvitTask.CLASS_CONDITIONAL_GENERATION);
            try (TaskTokens tokens = TaskTokens.of(new BlockMeans(), clips(m), LABELS, tasks, ConditionFrames.DEFAULT, 6);
                    MultiTaskTrainer trainer = MultiTaskTrainer.builder().setModel(model(3)).setTokens(tokens)
                            .optBatchSize(6).optSeed(1).build()) {
                float first = 0;
                float last = 0;
                for (int i = 0; i < 40; i++) {
                    float loss = trainer.step();
                    if (i < 5) {
                        first += loss / 5;
                    }
                    if (i >= 35) {
                        last += loss / 5;
                    }
                }
                assertEquals(40, trainer.steps());
                assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);   // log(8) = 2.08 at the start

                MaskGitSampler sampler = MaskGitSampler.builder().setMaskId(trainer.model().maskId()).optSteps(4).build();
                MaskGitResult out = trainer.generate(sampler, MagvitTask.CENTRAL_OUTPAINTING, tokens, new int[] {0, 4});
                assertEquals(new Shape(2, 64), out.ids().getShape());
                boolean[] given = MagvitTask.CENTRAL_OUTPAINTING.conditionMask(tokens.grid()).toArray();
                long[] ids = out.ids().toLongArray();
                long[] condition = tokens.condition(MagvitTask.CENTRAL_OUTPAINTING).toLongArray();
                int[] fixed = out.fixedAtStep().toType(DataType.INT32, false).toIntArray();
                for (int row = 0; row < 2; row++) {
                    int clip = row == 0 ? 0 : 4;
                    for (int i = 0; i < 64; i++) {
                        if (given[i]) {
                            assertEquals(condition[clip * 64 + i], ids[row * 64 + i], "given position " + i);
                            assertEquals(0, fixed[row * 64 + i]);
                        } else {
                            assertTrue(ids[row * 64 + i] >= 0 && ids[row * 64 + i] < K && fixed[row * 64 + i] >= 1);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aCustomSchemeJoinsThePoolAndShowsTheRealTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskingScheme firstHalf = MaskingScheme.of("first half", (grid, random) -> TokenMask.frames(grid, 0, grid.frames() / 2));
            List<MaskingScheme> pool = List.of(MagvitTask.FRAME_PREDICTION, firstHalf);
            try (TaskTokens tokens = TaskTokens.of(new BlockMeans(), clips(m), LABELS, List.of(MagvitTask.FRAME_PREDICTION),
                    ConditionFrames.DEFAULT, 6);
                    MultiTaskTrainer trainer = MultiTaskTrainer.builder().setModel(model(2)).setTokens(tokens).optPool(pool)
                            .optBatchSize(4).build()) {
                assertTrue(Float.isFinite(trainer.step()));
                MaskGitSampler sampler = MaskGitSampler.builder().setMaskId(trainer.model().maskId()).optSteps(2).build();
                long[] ids = trainer.generate(sampler, firstHalf, tokens, new int[] {2}).ids().toLongArray();
                long[] real = tokens.real().toLongArray();
                for (int i = 0; i < 32; i++) {
                    assertEquals(real[2 * 64 + i], ids[i], "the first half shows the real tokens, position " + i);
                }
                MaskingScheme unseen = MaskingScheme.of("last half", (grid, random) -> TokenMask.frames(grid, 2, 4));
                var e = assertThrows(IllegalArgumentException.class, () -> trainer.generate(sampler, unseen, tokens, new int[] {0}));
                assertTrue(e.getMessage().contains("is not in the pool"), e.getMessage());
                long[] zeroShot = trainer.generate(sampler, unseen, 1, tokens, new int[] {2}, new Random(0)).ids().toLongArray();
                assertEquals(real[2 * 64 + 40], zeroShot[40]);
            }
        }
    }

    @Test
    void aModelThatDoesNotFitThePoolIsRefused() {
        try (NDManager m = NDManager.newBaseManager();
                TaskTokens tokens = TaskTokens.of(new BlockMeans(), clips(m), LABELS, List.of(MagvitTask.FRAME_PREDICTION),
                        ConditionFrames.DEFAULT, 6)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> MultiTaskTrainer.builder().setModel(model(3)).setTokens(tokens).build());
            assertTrue(e.getMessage().contains("build it with optTasks(1)"), e.getMessage());
        }
    }
}
