package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;
import org.tokenlab.metrics.CodebookUsage;
import org.tokenlab.metrics.Psnr;
import org.tokenlab.metrics.Ssim;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.Quantizer;

class TokenizerEvaluationTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private VqganTokenizer tokenizer() {
        manager.getEngine().setRandomSeed(3);
        VqganConfig config = VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2)
                .optAttention(false).optGroups(4).optLatentChannels(16).build();
        VqganTokenizer t = VqganTokenizer.of(config, LookupFreeQuantizer.builder().setCodeDimension(6).build());
        t.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 16, 16));
        return t;
    }

    @Test
    void batchedEncodeAndDecodeEqualTheWholeBatch() {
        VqganTokenizer t = tokenizer();
        NDArray images = manager.randomUniform(-1, 1, new Shape(5, 1, 16, 16));
        NDArray ids = t.encode(images);
        NDArray batched = t.encode(images, 2);   // batches of 2, 2, 1
        assertEquals(new Shape(5, 8, 8), batched.getShape());
        assertEquals(ids, batched);
        assertTrue(t.decode(ids).allClose(t.decode(ids, 3), 1e-5, 1e-5, false));
        assertEquals(manager, batched.getManager());
    }

    @Test
    void evaluationAveragesPerImageMetricsOverBatches() {
        VqganTokenizer t = tokenizer();
        NDArray images = manager.randomUniform(-1, 1, new Shape(5, 1, 16, 16));
        NDArray reconstruction = t.decode(t.encode(images));
        TokenizerEvaluation e = TokenizerEvaluation.of(t, images, 2);
        assertEquals(5, e.images());
        assertEquals(Psnr.of(reconstruction, images), e.psnr(), 1e-4);
        assertEquals(Ssim.of(reconstruction, images), e.ssim(), 1e-4);
        CodebookUsage whole = CodebookUsage.of(t.encode(images), 64);
        assertEquals(5 * 8 * 8, e.usage().tokens());
        assertEquals(whole.usedCodes(), e.usage().usedCodes());
        assertTrue(e.toString().startsWith("TokenizerEvaluation: 5 images, PSNR "), e.toString());
    }

    /** A stand-in tokenizer that notes, at each call, whether the engine records a graph. */
    private static final class RecordingSpy implements VisualTokenizer {
        final List<Boolean> recording = new ArrayList<>();
        private final Quantizer quantizer = LookupFreeQuantizer.builder().setCodeDimension(2).build();

        @Override
        public NDArray encode(NDArray pixels) {
            recording.add(Autograd.isRecording(pixels));
            Shape s = pixels.getShape();
            return pixels.getManager().zeros(new Shape(s.get(0), s.get(2) / 4, s.get(3) / 4), DataType.INT64);
        }

        @Override
        public NDArray decode(NDArray ids) {
            recording.add(Autograd.isRecording(ids));
            Shape s = ids.getShape();
            return ids.getManager().zeros(new Shape(s.get(0), 1, s.get(1) * 4, s.get(2) * 4));
        }

        @Override
        public Quantizer quantizer() {
            return quantizer;
        }

        @Override
        public int downsamplingFactor() {
            return 4;
        }
    }

    @Test
    void evaluationAndBatchedCodingOnANewThreadRecordNoGraphWhateverTheTokenizerDoes() throws Exception {
        RecordingSpy spy = new RecordingSpy();
        NDArray images = manager.randomUniform(-1, 1, new Shape(3, 1, 16, 16));
        FreshThread.run(() -> {
            assertTrue(Autograd.isRecording(images), "a new thread starts with the engine recording");
            spy.encode(images);   // called directly, the spy sees the thread as it is
            assertEquals(List.of(true), spy.recording);
            spy.recording.clear();
            TokenizerEvaluation.of(spy, images, 2);
            spy.decode(spy.encode(images, 2), 2);
            assertEquals(List.of(false), spy.recording.stream().distinct().toList(), spy.recording.toString());
            assertEquals(2 * 2 + 2 + 2, spy.recording.size());
            assertTrue(Autograd.isRecording(images), "the thread's grad mode is given back");
        });
    }

    @Test
    void badInputIsExplained() {
        VqganTokenizer t = tokenizer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerEvaluation.of(t, manager.zeros(new Shape(4, 16, 16)), 2));
        assertTrue(e.getMessage().contains("(N, C, H, W)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.encode(manager.zeros(new Shape(4, 1, 16, 16)), 0));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
    }
}
