package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.tokenlab.mask.GridShape;
import org.tokenlab.mask.MagvitTask;
import org.tokenlab.mask.TokenMask;

class MaskPicturesTest {

    @Test
    void oneTilePerLatentFrameGivenLightGeneratedDark() {
        TokenMask first = TokenMask.frames(new GridShape(2, 2, 3), 0, 1);
        BufferedImage img = MaskPictures.of(first, 4);
        int tileW = 3 * 4 + 1;
        int tileH = 2 * 4 + 1;
        assertEquals(2 * tileW + 3 * ImageGrid.GAP, img.getWidth());
        assertEquals(tileH + 2 * ImageGrid.GAP, img.getHeight());
        int g = ImageGrid.GAP;
        assertEquals(MaskPictures.GIVEN, img.getRGB(g + 2, g + 2) & 0xFFFFFF);                    // frame 0, token (0, 0)
        assertEquals(MaskPictures.GENERATED, img.getRGB(2 * g + tileW + 2, g + 2) & 0xFFFFFF);    // frame 1, token (0, 0)
        assertNotEquals(MaskPictures.GIVEN, img.getRGB(g + 4, g + 2) & 0xFFFFFF);                 // a grid line
    }

    @Test
    void overlayTintsEachTokensPixelsAndMapsTime() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray clip = manager.zeros(new Shape(1, 1, 4, 8, 8));   // mid grey; 4 frames over 2 latent frames
            TokenMask mask = MagvitTask.FRAME_PREDICTION.conditionMask(new GridShape(2, 2, 2));
            BufferedImage img = MaskPictures.overlay(clip, mask, 1);
            int g = ImageGrid.GAP;
            assertEquals(4 * 8 + 5 * g, img.getWidth());
            int frame1 = img.getRGB(2 * g + 8 + 3, g + 3) & 0xFFFFFF;    // latent frame 0: given
            int frame2 = img.getRGB(3 * g + 16 + 3, g + 3) & 0xFFFFFF;   // latent frame 1: generated
            assertTrue(((frame1 >> 8) & 0xFF) > ((frame1 >> 16) & 0xFF), "given pixels lean green: " + Integer.toHexString(frame1));
            assertTrue((frame2 & 0xFF) < 0x50, "generated pixels are darkened: " + Integer.toHexString(frame2));
            // causal: 5 frames over 3 latent frames, s = 2; frame 0 alone in latent frame 0
            NDArray causal = manager.zeros(new Shape(1, 5, 8, 8));
            BufferedImage c = MaskPictures.overlay(causal, TokenMask.frames(new GridShape(3, 2, 2), 1, 2), 1);
            assertTrue((c.getRGB(g + 3, g + 3) & 0xFF) < 0x50);                  // frame 0: latent 0, generated
            assertTrue((c.getRGB(2 * g + 8 + 3, g + 3) & 0xFF) > 0x50);          // frame 1: latent 1, given
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MaskPictures.overlay(manager.zeros(new Shape(1, 1, 4, 7, 8)), mask, 1));
            assertTrue(e.getMessage().contains("multiples of the mask's 2x2 tokens, got 7x8"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> MaskPictures.overlay(manager.zeros(new Shape(2, 1, 4, 8, 8)), mask, 1));
            assertTrue(e.getMessage().contains("one clip (1, C, T, H, W)"), e.getMessage());
        }
    }
}
