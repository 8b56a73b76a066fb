package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageGridTest {

    private static final int BACKGROUND = 0x303030;

    private static BufferedImage gray(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = new byte[w * h];
        Arrays.fill(px, (byte) value);
        img.getRaster().setDataElements(0, 0, w, h, px);
        return img;
    }

    /** Five 8x8 grey images with values 40, 80, 120, 160, 200. */
    private static List<BufferedImage> fiveImages() {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(gray(8, 8, 40 * (i + 1)));
        }
        return images;
    }

    private static int rgbAt(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void fiveImagesInThreeColumnsAtScaleTwoHaveWidthOfThreeCellsAndFourGaps() {
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(3 * 16 + 4 * ImageGrid.GAP, grid.getWidth());
    }

    @Test
    void fiveImagesInThreeColumnsAtScaleTwoHaveHeightOfTwoRowsAndThreeGaps() {
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(2 * 16 + 3 * ImageGrid.GAP, grid.getHeight());
    }

    @Test
    void gapIsTwoPixels() {
        assertEquals(2, ImageGrid.GAP);
    }

    @Test
    void topLeftCornerIsBackground() {
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(BACKGROUND, rgbAt(grid, 0, 0));
    }

    @Test
    void gapBetweenFirstAndSecondCellIsBackground() {
        // cell 0 spans x 2..17, the gap is x 18..19, cell 1 starts at x 20
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(BACKGROUND, rgbAt(grid, 19, 5));
    }

    @Test
    void gapBetweenRowsIsBackground() {
        // row 0 spans y 2..17, the gap is y 18..19
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(BACKGROUND, rgbAt(grid, 5, 18));
    }

    @Test
    void unusedLastCellIsBackground() {
        // the sixth cell (row 1, column 2) starts at x 38, y 20
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(BACKGROUND, rgbAt(grid, 45, 30));
    }

    @Test
    void firstImageStartsAfterOneGap() {
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(0x282828, rgbAt(grid, 2, 2)); // grey 40
    }

    @Test
    void firstImageFillsItsWholeScaledCell() {
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(0x282828, rgbAt(grid, 17, 17));
    }

    @Test
    void fifthImageIsSecondCellOfSecondRow() {
        // image 4 (grey 200) at column 1, row 1: x0 = 2 + 18, y0 = 2 + 18
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(0xC8C8C8, rgbAt(grid, 20, 20));
    }

    @Test
    void thirdImageIsLastCellOfFirstRow() {
        // image 2 (grey 120) at column 2: x0 = 2 + 2 * 18 = 38, ends at 53
        BufferedImage grid = ImageGrid.of(fiveImages(), 3, 2);
        assertEquals(0x787878, rgbAt(grid, 53, 2));
    }

    @Test
    void fewerImagesThanColumnsUseOnlyAsManyColumnsAsImages() {
        List<BufferedImage> two = List.of(gray(8, 8, 0), gray(8, 8, 0));
        assertEquals(2 * 8 + 3 * ImageGrid.GAP, ImageGrid.of(two, 5, 1).getWidth());
    }

    @Test
    void cellsTakeTheSizeOfTheLargestImage() {
        List<BufferedImage> mixed = List.of(gray(8, 8, 0), gray(12, 10, 0));
        BufferedImage grid = ImageGrid.of(mixed, 1, 1);
        assertEquals("16x26", grid.getWidth() + "x" + grid.getHeight()); // 12 + 2*2, 2*10 + 3*2
    }

    @Test
    void gridIsRgb() {
        assertEquals(BufferedImage.TYPE_INT_RGB, ImageGrid.of(fiveImages(), 3, 1).getType());
    }

    @Test
    void emptyListIsRejected() {
        List<BufferedImage> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(none, 3, 1));
    }

    @Test
    void zeroColumnsIsRejectedNamingColumns() {
        List<BufferedImage> images = fiveImages();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.of(images, 0, 1));
        assertTrue(e.getMessage().contains("columns"), e.getMessage());
    }

    @Test
    void negativeColumnsIsRejected() {
        List<BufferedImage> images = fiveImages();
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(images, -2, 1));
    }

    @Test
    void zeroScaleIsRejected() {
        List<BufferedImage> images = fiveImages();
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(images, 3, 0));
    }

    @Test
    void nullImageInTheListIsRejected() {
        List<BufferedImage> images = new ArrayList<>(fiveImages());
        images.set(2, null);
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(images, 3, 1));
    }
}
