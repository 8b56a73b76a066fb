package org.tokenlab.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageRendererTest {

    private Renderer renderer;

    @BeforeEach
    void register() {
        renderer = new Renderer();
        ImageRenderer.register(renderer);
    }

    @Test
    void greyImageIsDescribedAndEncodedAsPng() throws IOException {
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);

        DisplayData data = renderer.render(image);

        assertEquals("BufferedImage 5 x 3, grey", data.getData(MIMEType.TEXT_PLAIN));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG))));
        assertNotNull(png);
        assertEquals(5, png.getWidth());
        assertEquals(3, png.getHeight());
    }

    @Test
    void colourImagesSayWhetherTheyHaveAlpha() {
        assertEquals("BufferedImage 4 x 2, RGB",
                renderer.render(new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB)).getData(MIMEType.TEXT_PLAIN));
        assertEquals("BufferedImage 4 x 2, RGBA",
                renderer.render(new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB)).getData(MIMEType.TEXT_PLAIN));
    }
}
