package org.tokenlab.viz;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * Lays images out in rows, left to right, with a gap between them: the usual way to show a batch of
 * samples or reconstructions.
 *
 * <pre>{@code
 * jshell> BufferedImage grid = ImageGrid.of(TensorImages.toImages(batch, PixelRange.AUTO), 8, 3);
 * }</pre>
 */
public final class ImageGrid {

    /** Gap between cells, in output pixels. */
    public static final int GAP = 2;

    private static final int BACKGROUND = 0x303030;

    private ImageGrid() {}

    /**
     * A grid of {@code columns} images per row, each enlarged {@code scale} times (nearest
     * neighbour). Cells take the size of the largest image; the background is dark grey.
     */
    public static BufferedImage of(List<BufferedImage> images, int columns, int scale) {
        Checks.notNull(images, "images");
        Checks.require(!images.isEmpty(), "ImageGrid needs at least one image, got an empty list");
        Checks.positive(columns, "columns");
        Checks.positive(scale, "scale");
        int cellW = 0;
        int cellH = 0;
        for (BufferedImage img : images) {
            Checks.notNull(img, "image in the list");
            cellW = Math.max(cellW, img.getWidth() * scale);
            cellH = Math.max(cellH, img.getHeight() * scale);
        }
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        int width = cols * cellW + (cols + 1) * GAP;
        int height = rows * cellH + (rows + 1) * GAP;
        int[] canvas = new int[width * height];
        Arrays.fill(canvas, BACKGROUND);
        for (int i = 0; i < images.size(); i++) {
            BufferedImage cell = TensorImages.upscale(images.get(i), scale);
            int[] px = TensorImages.rgb(cell);
            int x0 = GAP + (i % cols) * (cellW + GAP);
            int y0 = GAP + (i / cols) * (cellH + GAP);
            for (int y = 0; y < cell.getHeight(); y++) {
                System.arraycopy(px, y * cell.getWidth(), canvas, (y0 + y) * width + x0, cell.getWidth());
            }
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, canvas, 0, width);
        return out;
    }
}
