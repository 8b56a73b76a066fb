package org.tokenlab.magvit2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import org.tokenlab.magvit.TaskTokens;
import org.tokenlab.mask.ConditionFrames;
import org.tokenlab.mask.MagvitTask;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.train.Checkpoint;

class Magvit2TokenizerTest {

    /** The smoke plan: 16x16 frames, time and space down-sampled twice (s = 4, f = 4), 8-bit tokens. */
    static Magvit2Tokenizer tokenizer(NDManager m, int seed) {
        m.getEngine().setRandomSeed(seed);
        Magvit2Tokenizer t = Magvit2Tokenizer.of(Magvit2Config.smoke());
        t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 16, 16));
        return t;
    }

    @Test
    void clipsOfOneFiveNineAndSeventeenFramesGiveOnePlusKLatentFramesAndComeBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 1);
            int[] frames = {1, 5, 9, 17};
            long[] latent = {1, 2, 3, 5};
            for (int i = 0; i < frames.length; i++) {
                Shape clip = new Shape(2, 1, frames[i], 16, 16);
                NDArray x = m.randomUniform(-1, 1, clip);
                NDArray ids = t.encode(x);
                assertEquals(new Shape(2, latent[i], 4, 4), ids.getShape(), frames[i] + " frames");
                assertEquals(ids.getShape(), t.tokenShape(clip));
                assertEquals(DataType.INT64, ids.getDataType());
                assertEquals(clip, t.decode(ids).getShape(), "decode(encode(x)) of " + frames[i] + " frames");
                assertEquals(clip, t.inputShape(ids.getShape(), 1));
            }
        }
    }

    @Test
    void anImageIsAOneFrameClip() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 2);
            NDArray image = m.randomUniform(-1, 1, new Shape(3, 1, 16, 16));
            NDArray ids = t.encode(image);
            assertEquals(new Shape(3, 1, 4, 4), ids.getShape());
            assertEquals(0, ids.neq(t.encode(image.expandDims(2))).sum().getLong());
            assertEquals(new Shape(3, 1, 1, 16, 16), t.decode(ids).getShape());
            TokenizerOutput out = t.forward(new ParameterStore(m, false), image, false);
            assertEquals(image.getShape(), out.reconstruction().getShape(), "the reconstruction keeps the image's rank");
            assertEquals(0, ids.neq(out.ids()).sum().getLong());
        }
    }

    @Test
    void theTokensOfAFrameNeverDependOnLaterFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 3);
            NDArray clip = m.randomUniform(-1, 1, new Shape(2, 1, 9, 16, 16));
            NDArray ids = t.encode(clip);                                            // (2, 3, 4, 4)
            NDArray laterChanged = NDArrays.concat(new NDList(clip.get(":, :, 0:1"),
                    m.randomUniform(-1, 1, new Shape(2, 1, 8, 16, 16))), 2);
            NDArray other = t.encode(laterChanged);
            assertEquals(0, ids.get(":, 0").neq(other.get(":, 0")).sum().getLong(), "latent frame 0 sees frame 0 only");
            assertTrue(ids.get(":, 1:").neq(other.get(":, 1:")).sum().getLong() > 0, "the later tokens do change");
            NDArray lastChanged = NDArrays.concat(new NDList(clip.get(":, :, 0:5"),
                    m.randomUniform(-1, 1, new Shape(2, 1, 4, 16, 16))), 2);
            assertEquals(0, ids.get(":, 0:2").neq(t.encode(lastChanged).get(":, 0:2")).sum().getLong(),
                    "latent frames 0 and 1 see frames 0 to 4 only");
        }
    }

    @Test
    void anImageTokenizedAloneIsTheFirstLatentFrameOfAClipThatStartsWithIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 4);
            NDArray image = m.randomUniform(-1, 1, new Shape(2, 1, 16, 16));
            NDArray clip = NDArrays.concat(new NDList(image.expandDims(2), m.randomUniform(-1, 1, new Shape(2, 1, 16, 16, 16))), 2);
            NDArray alone = t.encode(image);                                         // (2, 1, 4, 4)
            NDArray inClip = t.encode(clip);                                         // (2, 5, 4, 4)
            assertEquals(0, alone.neq(inClip.get(":, 0:1")).sum().getLong());
            float gap = t.decode(alone).get(":, :, 0").sub(t.decode(inClip).get(":, :, 0")).abs().max().getFloat();
            assertTrue(gap < 1e-4f, "the decoder is causal too: frame 0 differs by " + gap);
        }
    }

    @Test
    void aSavedTokenizerLoadsBackWithTheSameTokensAndAnnealingStep(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 5);
            NDArray clip = m.randomUniform(-1, 1, new Shape(2, 1, 5, 16, 16));
            try (NDManager scope = m.newSubManager()) {
                clip.tempAttach(scope);
                t.forward(new ParameterStore(scope, false), clip, true);             // one training step of the quantizer
            }
            Path file = dir.resolve("magvit2.ckpt");
            Checkpoint.save(file, t, t.configuration());
            assertEquals("Magvit2Tokenizer", Checkpoint.readConfig(file).get("tokenizer"));
            assertEquals("8", Checkpoint.readConfig(file).get("latentBits"));

            Magvit2Tokenizer loaded = tokenizer(m, 99);                              // other weights until loaded
            assertTrue(t.encode(clip).neq(loaded.encode(clip)).sum().getLong() > 0);
            Checkpoint.load(file, loaded, loaded.configuration(), m);
            assertEquals(0, t.encode(clip).neq(loaded.encode(clip)).sum().getLong());
            assertEquals(1, loaded.lookupFreeQuantizer().trainingStep(), "the annealing step comes back");
        }
    }

    @Test
    void taskTokensTakeItAsAnyVideoTokenizerAndFramePredictionKeepsTheFirstLatentFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 8);
            NDArray clips = m.randomUniform(-1, 1, new Shape(2, 1, 9, 16, 16));
            ConditionFrames frames = ConditionFrames.causal(1, t.temporalFactor());
            try (TaskTokens tokens = TaskTokens.of(t, clips, new int[] {-1, -1},
                    List.of(MagvitTask.FRAME_PREDICTION, MagvitTask.CENTRAL_OUTPAINTING), frames, 2)) {
                assertEquals(new Shape(2, 3 * 4 * 4), tokens.real().getShape());
                NDArray given = tokens.condition(MagvitTask.FRAME_PREDICTION).get(":, 0:16");   // latent frame 0
                assertEquals(0, given.neq(tokens.real().get(":, 0:16")).sum().getLong(),
                        "the condition clip keeps frame 0, so a causal tokenizer keeps its tokens");
            }
        }
    }

    @Test
    void theLossPartsAreTheLookupFreeQuantizers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 6);
            NDArray clip = m.randomUniform(-1, 1, new Shape(2, 1, 5, 16, 16));
            TokenizerOutput out = t.forward(new ParameterStore(m, false), clip, true);
            assertEquals(java.util.List.of("commitment", "entropy"), java.util.List.copyOf(out.lossParts().keySet()));
            float sum = out.lossParts().get("commitment").add(out.lossParts().get("entropy")).getFloat();
            assertEquals(sum, out.quantizerLoss().getFloat(), 1e-5);
            assertEquals(256, t.quantizer().codebookSize());
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Tokenizer t = tokenizer(m, 7);
            String frames = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(1, 1, 8, 16, 16)))
                    .getMessage();
            assertTrue(frames.contains("T must be 1 + 4*k") && frames.contains("T = 8") && frames.contains("use 5 or 9 frames"),
                    frames);
            String encode = assertThrows(IllegalArgumentException.class,
                    () -> t.encode(m.zeros(new Shape(1, 1, 3, 16, 16)))).getMessage();
            assertTrue(encode.contains("use 1 or 5 frames"), encode);
            String space = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(1, 1, 5, 18, 16)))
                    .getMessage();
            assertTrue(space.contains("multiples of 4") && space.contains("H = 18") && space.contains("crop to 16 or pad to 20"),
                    space);
            String channels = assertThrows(IllegalArgumentException.class, () -> t.tokenShape(new Shape(1, 3, 16, 16)))
                    .getMessage();
            assertTrue(channels.contains("1 channel(s)"), channels);
            String rank = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(m.zeros(new Shape(1, 4, 4), DataType.INT64))).getMessage();
            assertTrue(rank.contains("token grids (B, t, h, w)") && rank.contains("(1, 4, 4)"), rank);
            String vocabulary = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(m.full(new Shape(1, 1, 4, 4), 256).toType(DataType.INT64, false))).getMessage();
            assertTrue(vocabulary.contains("256"), vocabulary);
        }
    }

    @Test
    void anExactBatchEntropyThatWouldNotFitInMemoryIsRefusedBeforeItIsComputed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Magvit2Config exact = Magvit2Config.builder().setImageChannels(1).optChannelMultipliers(1, 2)
                    .optTemporalDownsampling(false).optLatentBits(24).optEntropyMode(EntropyMode.EXACT).build();
            Magvit2Tokenizer t = Magvit2Tokenizer.of(exact);
            t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 1, 16, 16));
            NDArray large = m.zeros(new Shape(8, 1, 1, 256, 256));                  // 8 x 128 x 128 tokens
            assertTrue(exact.entropyBytes(8 * 128 * 128) > Magvit2Config.ENTROPY_MEMORY_BYTES);
            String message = assertThrows(IllegalArgumentException.class,
                    () -> t.forward(new ParameterStore(m, false), large, true)).getMessage();
            assertTrue(message.contains("131072 tokens") && message.contains("SUBGROUPS")
                    && message.contains("optEntropyGroupBits"), message);
        }
    }
}
