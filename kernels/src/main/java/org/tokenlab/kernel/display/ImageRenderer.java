package org.tokenlab.kernel.display;

import java.awt.image.BufferedImage;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/** Shows a {@link BufferedImage} as a PNG with a short description instead of its raster dump. */
public final class ImageRenderer {

    private ImageRenderer() {}

    public static void register(Renderer renderer) {
        renderer.createRegistration(BufferedImage.class)
                .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .register(ImageRenderer::render);
    }

    static void render(BufferedImage image, RenderContext context) {
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "BufferedImage " + image.getWidth() + " x " + image.getHeight()
                + (image.getType() == BufferedImage.TYPE_BYTE_GRAY ? ", grey" : image.getColorModel().hasAlpha() ? ", RGBA" : ", RGB"));
        context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Pictures.png(image));
    }
}
