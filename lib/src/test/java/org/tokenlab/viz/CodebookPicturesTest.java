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

    @Test
    void meanPatchesAverageTheCellsACodeCoversWithTheirSurroundings() {
        // two 4x4 images of one channel, token cells of 2x2 pixels: image 0 holds 0..15, image 1 holds 100..115
        float[] pixels = new float[32];
        for (int i = 0; i < 16; i++) {
            pixels[i] = i;
            pixels[16 + i] = 100 + i;
        }
        NDArray images = manager.create(pixels, new Shape(2, 1, 4, 4));
        NDArray ids = manager.create(new long[] {3, 5, 5, 3, /* image 1 */ 3, 9, 9, 9}, new Shape(2, 2, 2));
        NDArray cells = CodebookPictures.meanPatches(images, ids, 0, -1f, 3, 5, 7);
        assertEquals(new Shape(3, 1, 2, 2), cells.getShape());
        // code 3: image 0 top-left {0,1,4,5}, image 0 bottom-right {10,11,14,15}, image 1 top-left {100,101,104,105}
        assertArrayEquals(new float[] {110 / 3f, 113 / 3f, 122 / 3f, 125 / 3f}, cells.get(0).toFloatArray(), 1e-4f);
        // code 5: image 0 top-right {2,3,6,7} and bottom-left {8,9,12,13}
        assertArrayEquals(new float[] {5, 6, 9, 10}, cells.get(1).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-1, -1, -1, -1}, cells.get(2).toFloatArray(), "a code that never occurs is all fill");

        NDArray withContext = CodebookPictures.meanPatches(images.get("0:1"), ids.get("0:1"), 1, -1f, 5);
        assertEquals(new Shape(1, 1, 4, 4), withContext.getShape());
        // top-right cell rows -1..2, columns 1..4 and bottom-left rows 1..4, columns -1..2; outside pixels are -1
        assertArrayEquals(new float[] {
            (-1 + -1) / 2f, (-1 + 4) / 2f, (-1 + 5) / 2f, (-1 + 6) / 2f,
            (1 + -1) / 2f, (2 + 8) / 2f, (3 + 9) / 2f, (-1 + 10) / 2f,
            (5 + -1) / 2f, (6 + 12) / 2f, (7 + 13) / 2f, (-1 + 14) / 2f,
            (9 + -1) / 2f, (10 + -1) / 2f, (11 + -1) / 2f, (-1 + -1) / 2f}, withContext.toFloatArray(), 1e-6f);
    }

    @Test
    void meanPatchesExplainMismatchedShapes() {
        NDArray images = manager.zeros(new Shape(2, 1, 8, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodebookPictures.meanPatches(images, manager.zeros(new Shape(3, 2, 2), DataType.INT64), 0, 0f, 1));
        assertTrue(e.getMessage().contains("token grids of the same 2 images"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CodebookPictures.meanPatches(images, manager.zeros(new Shape(2, 3, 3), DataType.INT64), 0, 0f, 1));
        assertTrue(e.getMessage().contains("not a whole number of square token cells"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CodebookPictures.meanPatches(images, manager.zeros(new Shape(2, 2, 2), DataType.INT64), -1, 0f, 1));
        assertTrue(e.getMessage().contains("context must be at least 0"), e.getMessage());
    }
}
