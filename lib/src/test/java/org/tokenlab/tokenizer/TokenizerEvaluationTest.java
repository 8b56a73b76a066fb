package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tokenlab.metrics.CodebookUsage;
import org.tokenlab.metrics.Psnr;
import org.tokenlab.metrics.Ssim;
import org.tokenlab.quantize.LookupFreeQuantizer;

class TokenizerEvaluationTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private VqganTokenizer tokenizer() {
        manager.getEngine().setRandomSeed(3);
        VqganTokenizer t = VqganTokenizer.of(new VqganConfig(1, 8, new int[] {1, 2}, 1, false, 4, 16),
                LookupFreeQuantizer.builder().setCodeDimension(6).build());
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
