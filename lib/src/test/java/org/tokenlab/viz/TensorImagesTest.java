package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorImagesTest {

    /** The stored bytes of a TYPE_BYTE_GRAY image, row by row, without any colour conversion. */
    private static byte[] grayBytes(BufferedImage img) {
        return (byte[]) img.getRaster().getDataElements(0, 0, img.getWidth(), img.getHeight(), null);
    }

    private static BufferedImage grayImage(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = new byte[w * h];
        Arrays.fill(px, (byte) value);
        img.getRaster().setDataElements(0, 0, w, h, px);
        return img;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    // ---- toImage, grey ----

    @Test
    void singleChannelFloatImageInByteRangeGivesGrayRasterWithTheSameValues() {
        float[] values = new float[64];
        byte[] expected = new byte[64];
        for (int i = 0; i < 64; i++) {
            values[i] = 4 * i; // 0..252: AUTO picks BYTE, so pixel = value
            expected[i] = (byte) (4 * i);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            BufferedImage img = TensorImages.toImage(image);
            assertArrayEquals(expected, grayBytes(img));
        }
    }

    @Test
    void singleChannelImageIsTypeByteGray() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.zeros(new Shape(1, 8, 8));
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, TensorImages.toImage(image).getType());
        }
    }

    @Test
    void signedUnitValuesMinusOneZeroOneBecome0And128And255() {
        float[] values = new float[64];
        byte[] expected = new byte[64];
        int[] bytes = {0, 128, 255};
        for (int i = 0; i < 64; i++) {
            values[i] = i % 3 - 1; // -1, 0, 1, -1, ...
            expected[i] = (byte) bytes[i % 3];
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            assertArrayEquals(expected, grayBytes(TensorImages.toImage(image, PixelRange.AUTO)));
        }
    }

    @Test
    void stretchRangeIsTakenOverTheWholeTensor() {
        // values -100 .. 1160 step 20 -> AUTO picks STRETCH; (v + 100) / 1260 * 255
        float[] values = new float[64];
        byte[] expected = new byte[64];
        for (int i = 0; i < 64; i++) {
            values[i] = -100 + 20 * i;
            expected[i] = (byte) Math.round(20.0 * i / 1260.0 * 255);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            assertArrayEquals(expected, grayBytes(TensorImages.toImage(image)));
        }
    }

    @Test
    void integerTensorIsReadAsByteValues() {
        int[] values = new int[64];
        byte[] expected = new byte[64];
        for (int i = 0; i < 64; i++) {
            values[i] = i % 2; // 0 and 1: integral, so BYTE, not SIGNED_UNIT
            expected[i] = (byte) (i % 2);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            assertArrayEquals(expected, grayBytes(TensorImages.toImage(image)));
        }
    }

    @Test
    void nanPixelIsBlack() {
        float[] values = filled(64, 1f);
        values[9] = Float.NaN;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            assertEquals(0, grayBytes(TensorImages.toImage(image, PixelRange.SIGNED_UNIT))[9]);
        }
    }

    @Test
    void rankTwoInputIsAGrayImageWithHeightRowsAndWidthColumns() {
        float[] values = new float[8 * 10];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(8, 10));
            BufferedImage img = TensorImages.toImage(image, PixelRange.BYTE);
            // row y = 2, column x = 3 holds 2 * 10 + 3
            assertEquals(23, img.getRaster().getSample(3, 2, 0));
        }
    }

    @Test
    void rankTwoInputGivesWidthFromLastAxisAndHeightFromFirst() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.zeros(new Shape(8, 10));
            BufferedImage img = TensorImages.toImage(image);
            assertEquals("10x8", img.getWidth() + "x" + img.getHeight());
        }
    }

    // ---- toImage, colour ----

    @Test
    void threeChannelImageIsTypeIntRgb() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.zeros(new Shape(3, 8, 8));
            assertEquals(BufferedImage.TYPE_INT_RGB, TensorImages.toImage(image).getType());
        }
    }

    @Test
    void channelZeroIsRedAtTheRightPixel() {
        float[] values = filled(3 * 64, -1f);
        values[2 * 8 + 5] = 1f; // channel 0, y = 2, x = 5
        int[] expected = new int[64];
        expected[2 * 8 + 5] = 0xFF0000;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(3, 8, 8));
            BufferedImage img = TensorImages.toImage(image, PixelRange.SIGNED_UNIT);
            int[] rgb = img.getRGB(0, 0, 8, 8, null, 0, 8);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] &= 0xFFFFFF;
            }
            assertArrayEquals(expected, rgb);
        }
    }

    @Test
    void channelsOneAndTwoAreGreenAndBlue() {
        float[] values = new float[3 * 64];
        Arrays.fill(values, 0, 64, 10f);
        Arrays.fill(values, 64, 128, 20f);
        Arrays.fill(values, 128, 192, 30f);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(3, 8, 8));
            BufferedImage img = TensorImages.toImage(image, PixelRange.BYTE);
            assertEquals(0x0A141E, img.getRGB(7, 7) & 0xFFFFFF);
        }
    }

    // ---- toImages ----

    @Test
    void toImagesReturnsOneImagePerBatchMember() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.zeros(new Shape(5, 3, 8, 8));
            assertEquals(5, TensorImages.toImages(batch, PixelRange.AUTO).size());
        }
    }

    @Test
    void toImagesKeepsBatchOrder() {
        float[] values = new float[3 * 64];
        Arrays.fill(values, 0, 64, 0f);
        Arrays.fill(values, 64, 128, 100f);
        Arrays.fill(values, 128, 192, 200f);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(values, new Shape(3, 1, 8, 8));
            List<BufferedImage> images = TensorImages.toImages(batch, PixelRange.BYTE);
            List<Integer> firstPixels = new ArrayList<>();
            for (BufferedImage img : images) {
                firstPixels.add(grayBytes(img)[0] & 0xFF);
            }
            assertEquals(List.of(0, 100, 200), firstPixels);
        }
    }

    @Test
    void toImagesOfRgbBatchReadsEachMembersOwnChannels() {
        // member b, channel c holds 100 * b + 10 * c
        float[] values = new float[2 * 3 * 64];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                Arrays.fill(values, (b * 3 + c) * 64, (b * 3 + c + 1) * 64, 100 * b + 10 * c);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(values, new Shape(2, 3, 8, 8));
            List<BufferedImage> images = TensorImages.toImages(batch, PixelRange.BYTE);
            // member 1: (100, 110, 120) = 0x646E78
            assertEquals(0x646E78, images.get(1).getRGB(0, 0) & 0xFFFFFF);
        }
    }

    // ---- toFrames ----

    @Test
    void toFramesReturnsOneFramePerTimeStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray video = manager.zeros(new Shape(3, 6, 8, 8));
            assertEquals(6, TensorImages.toFrames(video, PixelRange.AUTO).size());
        }
    }

    @Test
    void toFramesOfGrayVideoKeepsTimeOrder() {
        float[] values = new float[4 * 64];
        for (int t = 0; t < 4; t++) {
            Arrays.fill(values, t * 64, (t + 1) * 64, 50 * t);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray video = manager.create(values, new Shape(1, 4, 8, 8));
            List<Integer> firstPixels = new ArrayList<>();
            for (BufferedImage frame : TensorImages.toFrames(video, PixelRange.BYTE)) {
                firstPixels.add(grayBytes(frame)[0] & 0xFF);
            }
            assertEquals(List.of(0, 50, 100, 150), firstPixels);
        }
    }

    @Test
    void toFramesOfRgbVideoTakesEachChannelAtTheSameTimeStep() {
        // channel c, time t holds 100 * t + 10 * c; layout (C, T, H, W)
        float[] values = new float[3 * 2 * 64];
        for (int c = 0; c < 3; c++) {
            for (int t = 0; t < 2; t++) {
                Arrays.fill(values, (c * 2 + t) * 64, (c * 2 + t + 1) * 64, 100 * t + 10 * c);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray video = manager.create(values, new Shape(3, 2, 8, 8));
            List<Integer> colours = new ArrayList<>();
            for (BufferedImage frame : TensorImages.toFrames(video, PixelRange.BYTE)) {
                colours.add(frame.getRGB(4, 4) & 0xFFFFFF);
            }
            // t = 0: (0, 10, 20) = 0x000A14; t = 1: (100, 110, 120) = 0x646E78
            assertEquals(List.of(0x000A14, 0x646E78), colours);
        }
    }

    @Test
    void toFramesResolvesOneRangeForAllFrames() {
        // frame 0 all 0, frame 1 all 1000: STRETCH over the whole video gives 0 and 255,
        // per-frame stretching would give mid grey for both constant frames
        float[] values = new float[2 * 64];
        Arrays.fill(values, 64, 128, 1000f);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray video = manager.create(values, new Shape(1, 2, 8, 8));
            List<Integer> firstPixels = new ArrayList<>();
            for (BufferedImage frame : TensorImages.toFrames(video, PixelRange.AUTO)) {
                firstPixels.add(grayBytes(frame)[0] & 0xFF);
            }
            assertEquals(List.of(0, 255), firstPixels);
        }
    }

    // ---- shape classification ----

    @Test
    void heightByWidthMatrixOfPictureSizeIsAnImage() {
        assertTrue(TensorImages.isImage(new Shape(8, 8)));
    }

    @Test
    void singleChannelShapeIsAnImage() {
        assertTrue(TensorImages.isImage(new Shape(1, 28, 28)));
    }

    @Test
    void threeChannelShapeIsAnImage() {
        assertTrue(TensorImages.isImage(new Shape(3, 32, 16)));
    }

    @Test
    void smallMatrixIsNotAnImage() {
        assertFalse(TensorImages.isImage(new Shape(2, 3)));
    }

    @Test
    void matrixWithOneSideBelowMinSideIsNotAnImage() {
        assertFalse(TensorImages.isImage(new Shape(8, 7)));
    }

    @Test
    void twoChannelShapeIsNotAnImage() {
        assertFalse(TensorImages.isImage(new Shape(2, 8, 8)));
    }

    @Test
    void threeChannelShapeWithSmallSidesIsNotAnImage() {
        assertFalse(TensorImages.isImage(new Shape(3, 7, 8)));
    }

    @Test
    void vectorIsNotAnImage() {
        assertFalse(TensorImages.isImage(new Shape(64)));
    }

    @Test
    void rankFourShapeIsNotASingleImage() {
        assertFalse(TensorImages.isImage(new Shape(1, 1, 8, 8)));
    }

    @Test
    void batchOfRgbImagesIsAnImageBatch() {
        assertTrue(TensorImages.isImageBatch(new Shape(4, 3, 8, 8)));
    }

    @Test
    void batchOfGrayImagesIsAnImageBatch() {
        assertTrue(TensorImages.isImageBatch(new Shape(16, 1, 28, 28)));
    }

    @Test
    void batchWithTwoChannelsIsNotAnImageBatch() {
        assertFalse(TensorImages.isImageBatch(new Shape(4, 2, 8, 8)));
    }

    @Test
    void emptyBatchIsNotAnImageBatch() {
        assertFalse(TensorImages.isImageBatch(new Shape(0, 3, 8, 8)));
    }

    @Test
    void batchOfTinyImagesIsNotAnImageBatch() {
        assertFalse(TensorImages.isImageBatch(new Shape(4, 3, 4, 4)));
    }

    @Test
    void threeChannelImageIsNotAnImageBatch() {
        assertFalse(TensorImages.isImageBatch(new Shape(3, 8, 8)));
    }

    @Test
    void channelsByTimeShapeIsAVideo() {
        assertTrue(TensorImages.isVideo(new Shape(3, 16, 8, 8)));
    }

    @Test
    void grayVideoIsAVideo() {
        assertTrue(TensorImages.isVideo(new Shape(1, 5, 8, 8)));
    }

    @Test
    void shapeThatIsAlsoAnImageBatchIsNotAVideo() {
        // (3, 3, 8, 8) reads as 3 RGB images first
        assertFalse(TensorImages.isVideo(new Shape(3, 3, 8, 8)));
    }

    @Test
    void videoWithTwoChannelsIsNotAVideo() {
        assertFalse(TensorImages.isVideo(new Shape(2, 16, 8, 8)));
    }

    @Test
    void videoOfTinyFramesIsNotAVideo() {
        assertFalse(TensorImages.isVideo(new Shape(3, 16, 4, 4)));
    }

    @Test
    void videoWithNoFramesIsNotAVideo() {
        assertFalse(TensorImages.isVideo(new Shape(3, 0, 8, 8)));
    }

    // ---- wrong shapes ----

    @Test
    void toImageOfRankFiveFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(2, 3, 4, 5, 6));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toImage(array, PixelRange.AUTO));
            assertTrue(e.getMessage().contains("(2, 3, 4, 5, 6)"), e.getMessage());
        }
    }

    @Test
    void toImageOfTwoChannelsFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(2, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toImage(array));
            assertTrue(e.getMessage().contains("got (2, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void toImageOfBatchPointsToToImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(4, 3, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toImage(array));
            assertTrue(e.getMessage().contains("toImages"), e.getMessage());
        }
    }

    @Test
    void toImagesOfSingleImageFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(3, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toImages(array, PixelRange.AUTO));
            assertTrue(e.getMessage().contains("(3, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void toImagesWithTwoChannelsFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(4, 2, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toImages(array, PixelRange.AUTO));
            assertTrue(e.getMessage().contains("(4, 2, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void toFramesWithTwoChannelsFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(2, 4, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toFrames(array, PixelRange.AUTO));
            assertTrue(e.getMessage().contains("(2, 4, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void toFramesOfRankThreeFailsNamingTheShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(3, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorImages.toFrames(array, PixelRange.AUTO));
            assertTrue(e.getMessage().contains("(3, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void nullRangeIsRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(1, 8, 8));
            assertThrows(IllegalArgumentException.class, () -> TensorImages.toImage(array, null));
        }
    }

    @Test
    void nullImageIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TensorImages.toImage(null, PixelRange.AUTO));
    }

    // ---- resources ----

    @Test
    void toImageLeavesTheFloatInputOpen() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.ones(new Shape(1, 8, 8));
            TensorImages.toImage(image, PixelRange.AUTO);
            assertFalse(image.isReleased());
        }
    }

    @Test
    void toImageLeavesTheIntegerInputOpenAndReadable() {
        int[] values = new int[64];
        Arrays.fill(values, 7);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.create(values, new Shape(1, 8, 8));
            TensorImages.toImage(image, PixelRange.AUTO);
            assertArrayEquals(values, image.toIntArray());
        }
    }

    @Test
    void toImageLeavesTheInputAttachedToItsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.ones(new Shape(1, 8, 8));
            TensorImages.toImage(image, PixelRange.AUTO);
            assertTrue(manager.getManagedArrays().contains(image));
        }
    }

    @Test
    void toImageOfFloatInputLeavesNoTemporariesOnTheInputsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.ones(new Shape(3, 8, 8));
            int before = manager.getManagedArrays().size();
            TensorImages.toImage(image, PixelRange.AUTO);
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void toImagesOfIntegerInputLeavesNoTemporariesOnTheInputsManager() {
        // int32 input forces a float32 copy, which must be freed
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(new int[2 * 64], new Shape(2, 1, 8, 8));
            int before = manager.getManagedArrays().size();
            TensorImages.toImages(batch, PixelRange.AUTO);
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void toFramesOfIntegerInputLeavesNoTemporariesOnTheInputsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray video = manager.create(new int[3 * 2 * 64], new Shape(3, 2, 8, 8));
            int before = manager.getManagedArrays().size();
            TensorImages.toFrames(video, PixelRange.AUTO);
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    // ---- upscale and rgb ----

    @Test
    void upscaleByThreeMultipliesWidthAndHeight() {
        BufferedImage up = TensorImages.upscale(new BufferedImage(5, 2, BufferedImage.TYPE_INT_RGB), 3);
        assertEquals("15x6", up.getWidth() + "x" + up.getHeight());
    }

    @Test
    void upscaleByThreeRepeatsEachPixelInAThreeByThreeBlock() {
        BufferedImage src = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0x112233);
        src.setRGB(1, 0, 0x445566);
        src.setRGB(0, 1, 0x778899);
        src.setRGB(1, 1, 0xAABBCC);
        int[] expected = new int[36];
        int[][] colours = {{0x112233, 0x445566}, {0x778899, 0xAABBCC}};
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                expected[y * 6 + x] = colours[y / 3][x / 3];
            }
        }
        int[] got = TensorImages.rgb(TensorImages.upscale(src, 3));
        for (int i = 0; i < got.length; i++) {
            got[i] &= 0xFFFFFF; // drop the opaque alpha getRGB reports
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void upscaleReturnsAnRgbImage() {
        assertEquals(BufferedImage.TYPE_INT_RGB, TensorImages.upscale(grayImage(8, 8, 100), 2).getType());
    }

    @Test
    void upscaleOfGrayImageKeepsTheStoredGrayValue() {
        // getRGB on the grey image would brighten 100 through the linear-to-sRGB conversion
        BufferedImage up = TensorImages.upscale(grayImage(8, 8, 100), 3);
        assertEquals(0x646464, up.getRGB(23, 23) & 0xFFFFFF);
    }

    @Test
    void upscaleByOneOfGrayImageKeepsTheStoredGrayValue() {
        BufferedImage up = TensorImages.upscale(grayImage(8, 8, 100), 1);
        assertEquals(0x646464, TensorImages.rgb(up)[0] & 0xFFFFFF);
    }

    @Test
    void upscaleByZeroIsRejected() {
        BufferedImage src = grayImage(8, 8, 0);
        assertThrows(IllegalArgumentException.class, () -> TensorImages.upscale(src, 0));
    }

    @Test
    void rgbOfGrayImageRepeatsTheStoredByteInEachChannel() {
        assertEquals(0xC8C8C8, TensorImages.rgb(grayImage(8, 8, 200))[63]);
    }
}
