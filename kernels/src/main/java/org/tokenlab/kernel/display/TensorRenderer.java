package org.tokenlab.kernel.display;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.tokenlab.viz.Filmstrip;
import org.tokenlab.viz.ImageGrid;
import org.tokenlab.viz.PixelRange;
import org.tokenlab.viz.TensorImages;
import org.tokenlab.viz.TensorSummary;

/**
 * Shows an NDArray as its one-line summary (and its values when it has at most
 * {@value #MAX_PRINTED} elements), plus a picture when its shape is one:
 * {@code (C, H, W)} or {@code (H, W)} as a PNG, a batch {@code (B, C, H, W)} as a PNG grid, a video
 * {@code (C, T, H, W)} or a batch of videos {@code (B, C, T, H, W)} as a filmstrip PNG (one row of
 * frames per clip) and an animated GIF, shown together (an HTML bundle with both). Small pictures are
 * enlarged (nearest neighbour) so a 28x28 digit is readable.
 */
public final class TensorRenderer {

    /** Pictures are enlarged until their shorter side reaches this many pixels (at most 8x). */
    static final int MIN_SIDE = 112;
    /** Batches larger than this are cut, with the summary saying so. */
    static final int MAX_BATCH = 64;
    static final int FRAME_MILLIS = 125;
    /** Batches of clips larger than this are cut, with the summary saying so. */
    static final int MAX_CLIPS = 16;
    /** Filmstrips are enlarged less when their frames would make them wider than this. */
    static final int MAX_STRIP_WIDTH = 1600;
    /** Arrays with at most this many elements also show their values, as {@code println} would. */
    static final int MAX_PRINTED = 100;

    private TensorRenderer() {}

    public static void register(Renderer renderer) {
        renderer.createRegistration(NDArray.class)
                .preferring(MIMEType.TEXT_PLAIN, MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.IMAGE_GIF)
                .register(TensorRenderer::render);
    }

    static void render(NDArray array, RenderContext context) {
        Shape s = array.getShape();
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> text(array));
        if (TensorImages.isImage(s)) {
            context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Pictures.png(enlarge(TensorImages.toImage(array))));
        } else if (TensorImages.isImageBatch(s)) {
            context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Pictures.png(grid(array)));
        } else if (Filmstrip.isClips(s)) {
            NDArray clips = s.get(0) > MAX_CLIPS && s.dimension() == 5 ? array.get("0:" + MAX_CLIPS) : array;
            try {
                int d = s.dimension();
                int f = factor((int) Math.min(s.get(d - 2), s.get(d - 1)));
                // a filmstrip of many frames stays about as wide as a screen
                int stripScale = Math.max(1, Math.min(f, MAX_STRIP_WIDTH / (int) (s.get(d - 3) * s.get(d - 1))));
                String png = Pictures.png(Filmstrip.of(clips, PixelRange.AUTO, stripScale));
                String gif = Pictures.base64(Filmstrip.animation(clips, PixelRange.AUTO, f, FRAME_MILLIS));
                context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
                context.renderIfRequested(MIMEType.IMAGE_GIF, () -> gif);
                context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div><img src=\"data:image/png;base64," + png
                        + "\"/></div><div><img src=\"data:image/gif;base64," + gif + "\"/></div>");
            } finally {
                if (clips != array) {
                    clips.close();
                }
            }
        }
    }

    /** The summary line, followed by the values for a small array. */
    static String text(NDArray array) {
        String summary = TensorSummary.describe(array);
        if (TensorImages.isImageBatch(array.getShape()) && array.getShape().get(0) > MAX_BATCH) {
            summary += " (the picture shows the first " + MAX_BATCH + " of " + array.getShape().get(0) + ")";
        }
        if (array.getShape().dimension() == 5 && Filmstrip.isClips(array.getShape()) && array.getShape().get(0) > MAX_CLIPS) {
            summary += " (the pictures show the first " + MAX_CLIPS + " of " + array.getShape().get(0) + " clips)";
        }
        if (array.size() == 0 || array.size() > MAX_PRINTED) {
            return summary;
        }
        String printed = array.toString();
        int firstLineEnd = printed.indexOf('\n'); // DJL's header line repeats shape and type
        return summary + "\n" + (firstLineEnd < 0 ? printed : printed.substring(firstLineEnd + 1)).strip();
    }

    private static BufferedImage grid(NDArray batch) {
        long b = batch.getShape().get(0);
        NDArray shown = b > MAX_BATCH ? batch.get("0:" + MAX_BATCH) : batch;
        try {
            List<BufferedImage> images = TensorImages.toImages(shown, PixelRange.AUTO);
            return ImageGrid.of(images, Math.min(8, images.size()), factor(images.get(0))); // rows of 8
        } finally {
            if (shown != batch) {
                shown.close();
            }
        }
    }

    private static BufferedImage enlarge(BufferedImage image) {
        return TensorImages.upscale(image, factor(image));
    }

    static int factor(BufferedImage image) {
        return factor(Math.min(image.getWidth(), image.getHeight()));
    }

    static int factor(int side) {
        return Math.max(1, Math.min(8, (MIN_SIDE + side - 1) / side));
    }
}
