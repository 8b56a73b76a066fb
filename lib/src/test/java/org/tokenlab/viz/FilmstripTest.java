package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FilmstripTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Two clips of three 8x8 frames, black except clip 1's frame 2, which is white. */
    private NDArray clips() {
        NDArray clips = manager.full(new Shape(2, 1, 3, 8, 8), -1f);
        clips.set(new NDIndex("1, :, 2"), 1f);
        return clips;
    }

    @Test
    void aFilmstripHasOneRowPerClipAndOneColumnPerFrame() {
        BufferedImage strip = Filmstrip.of(clips(), PixelRange.SIGNED_UNIT, 1);
        int gap = ImageGrid.GAP;
        assertEquals(3 * 8 + 4 * gap, strip.getWidth());
        assertEquals(2 * 8 + 3 * gap, strip.getHeight());
        int white = 0xFFFFFF;
        int x = gap + 2 * (8 + gap) + 3; // inside column 2
        assertEquals(white, strip.getRGB(x, gap + (8 + gap) + 3) & 0xFFFFFF, "clip 1, frame 2 is white");
        assertEquals(0, strip.getRGB(x, gap + 3) & 0xFFFFFF, "clip 0, frame 2 is black");
        assertEquals(0, strip.getRGB(gap + 3, gap + (8 + gap) + 3) & 0xFFFFFF, "clip 1, frame 0 is black");
    }

    @Test
    void anAnimationHasOneFramePerTimeStepWithEveryClipSideBySide() throws Exception {
        byte[] gif = Filmstrip.animation(clips(), PixelRange.SIGNED_UNIT, 2, 100);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true));
            assertEquals(2 * 16 + 3 * ImageGrid.GAP, reader.getWidth(0));
            assertEquals(16 + 2 * ImageGrid.GAP, reader.getHeight(0));
            reader.dispose();
        }
    }

    @Test
    void aSingleClipIsOneRow() {
        NDArray clip = manager.zeros(new Shape(3, 4, 8, 8));
        BufferedImage strip = Filmstrip.of(clip, PixelRange.AUTO, 1);
        assertEquals(4 * 8 + 5 * ImageGrid.GAP, strip.getWidth());
        assertEquals(8 + 2 * ImageGrid.GAP, strip.getHeight());
    }

    @Test
    void compareInterleavesRealReconstructionAndTheirError() {
        NDArray real = manager.full(new Shape(2, 1, 2, 8, 8), 0.5f);
        NDArray reconstruction = manager.full(new Shape(2, 1, 2, 8, 8), 0.25f);
        NDArray rows = Filmstrip.compare(real, reconstruction);
        assertEquals(new Shape(6, 1, 2, 8, 8), rows.getShape());
        assertEquals(0.5f, rows.get("3").max().getFloat());
        assertEquals(0.25f, rows.get("4").max().getFloat());
        assertEquals(0.25f - 1f, rows.get("5").max().getFloat(), 1e-6f, "|0.5 - 0.25| - 1");
        assertEquals(-1f, Filmstrip.compare(real, real).get("2").max().getFloat(), "no error is black");
        assertEquals(manager, rows.getManager());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Filmstrip.compare(real, reconstruction.get("0:1")));
        assertTrue(e.getMessage().contains("same shape (B, C, T, H, W)"), e.getMessage());
    }

    @Test
    void tokensGetOneFixedColourPerIdAndARowPerClip() {
        long[] ids = new long[2 * 2 * 3 * 3];
        ids[0] = 7;          // clip 0, step 0, (0, 0)
        ids[9 + 4] = 7;      // clip 0, step 1, (1, 1)
        ids[18] = 8;         // clip 1, step 0, (0, 0)
        NDArray grid = manager.create(ids, new Shape(2, 2, 3, 3));
        BufferedImage strip = Filmstrip.ofTokens(grid, 4);
        int gap = ImageGrid.GAP;
        assertEquals(2 * 12 + 3 * gap, strip.getWidth());
        assertEquals(2 * 12 + 3 * gap, strip.getHeight());
        int seven = strip.getRGB(gap + 1, gap + 1) & 0xFFFFFF;
        assertEquals(Filmstrip.colour(7), seven);
        assertEquals(seven, strip.getRGB(gap + 12 + gap + 4 + 1, gap + 4 + 1) & 0xFFFFFF, "same id, same colour");
        assertNotEquals(seven, strip.getRGB(gap + 1, gap + 12 + gap + 1) & 0xFFFFFF, "id 8 differs from id 7");
        assertNotEquals(Filmstrip.colour(0), Filmstrip.colour(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Filmstrip.ofTokens(manager.zeros(new Shape(2, 3, 3), DataType.FLOAT32), 4));
        assertTrue(e.getMessage().contains("integer ids"), e.getMessage());
    }

    @Test
    void smallVolumesSuchAsKernelsDrawEnlarged() {
        BufferedImage kernels = Filmstrip.of(manager.zeros(new Shape(2, 1, 3, 3, 3)), PixelRange.SIGNED_UNIT, 10);
        int gap = ImageGrid.GAP;
        assertEquals(3 * 30 + 4 * gap, kernels.getWidth(), "three slots of 3x3 enlarged 10 times");
        assertEquals(2 * 30 + 3 * gap, kernels.getHeight(), "one row per kernel");
        assertFalse(Filmstrip.isClips(new Shape(2, 1, 3, 3, 3)), "the kernel still does not take them for a video");
    }

    @Test
    void whatIsNotAClipIsRefusedWithItsShape() {
        assertTrue(Filmstrip.isClips(new Shape(2, 1, 3, 8, 8)));
        assertTrue(Filmstrip.isClips(new Shape(1, 4, 8, 8)));
        assertFalse(Filmstrip.isClips(new Shape(1, 3, 8, 8)), "one RGB image, not a clip");
        assertFalse(Filmstrip.isClips(new Shape(2, 2, 3, 8, 8)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Filmstrip.of(manager.zeros(new Shape(2, 5, 3, 8, 8)), PixelRange.AUTO, 1));
        assertTrue(e.getMessage().contains("(2, 5, 3, 8, 8)"), e.getMessage());
        assertArrayEquals(new long[] {2, 1, 3, 8, 8}, clips().getShape().getShape());
    }
}
