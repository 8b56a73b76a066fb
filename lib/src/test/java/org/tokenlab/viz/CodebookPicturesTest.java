package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.tokenizer.VisualTokenizer;

class CodebookPicturesTest {

    private final NDManager manager = NDManager.newBaseManager();

    /** A "decoder" that paints each token's id as one pixel, so the picture is the grid itself. */
    private static final class IdPainter implements VisualTokenizer {
        private final Quantizer quantizer = LookupFreeQuantizer.builder().setCodeDimension(3).build(); // 8 codes

        @Override
        public NDArray encode(NDArray pixels) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NDArray decode(NDArray ids) {
            return ids.toType(DataType.FLOAT32, false).expandDims(1);
        }

        @Override
        public Quantizer quantizer() {
            return quantizer;
        }

        @Override
        public int downsamplingFactor() {
            return 1;
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void eachCodeFillsACentredBlockOnTheBackground() {
        NDArray pictures = CodebookPictures.strokes(manager, new IdPainter(), 4, 4, 0, 2, 5, 7);
        assertEquals(new Shape(2, 1, 4, 4), pictures.getShape());
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 5, 5, 0,
            0, 5, 5, 0,
            0, 0, 0, 0}, pictures.get(0).toFloatArray());
        assertEquals(7 * 4, pictures.get(1).sum().getFloat(), "the second picture holds four 7s");
        assertEquals(manager, pictures.getManager());
    }

    @Test
    void oddGridsPutTheBlockAtTheUpperLeftOfCentre() {
        NDArray picture = CodebookPictures.strokes(manager, new IdPainter(), 3, 3, 1, 1, 6);
        assertArrayEquals(new float[] {1, 1, 1, 1, 6, 1, 1, 1, 1}, picture.toFloatArray());
    }

    @Test
    void codesOutsideTheVocabularyAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodebookPictures.strokes(manager, new IdPainter(), 4, 4, 0, 2, 3, 8));
        assertEquals("code at position 1 must be a token id in [0, 8), got 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CodebookPictures.strokes(manager, new IdPainter(), 4, 4, 0, 5, 3));
        assertTrue(e.getMessage().contains("block must be in [1, 4]"), e.getMessage());
    }
}
