package org.tokenlab.kernel.display;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.tokenlab.viz.AnimatedGif;
import org.tokenlab.viz.ImageGrid;
import org.tokenlab.viz.PixelRange;
import org.tokenlab.viz.TensorImages;
import org.tokenlab.viz.TensorSummary;

/**
 * Shows an NDArray as its one-line summary (and its values when it has at most
 * {@value #MAX_PRINTED} elements), plus a picture when its shape is one:
 * {@code (C, H, W)} or {@code (H, W)} as a PNG, a batch {@code (B, C, H, W)} as a PNG grid, a video
 * {@code (C, T, H, W)} as an animated GIF. Small pictures are enlarged (nearest neighbour) so a
 * 28x28 digit is readable.
 */
public final class TensorRenderer {

    /** Pictures are enlarged until their shorter side reaches this many pixels (at most 8x). */
    static final int MIN_SIDE = 112;
    /** Batches larger than this are cut, with the summary saying so. */
    static final int MAX_BATCH = 64;
    static final int FRAME_MILLIS = 125;
    /** Arrays with at most this many elements also show their values, as {@code println} would. */
    static final int MAX_PRINTED = 100;

    private TensorRenderer() {}

    public static void register(Renderer renderer) {
        renderer.createRegistration(NDArray.class)
                .preferring(MIMEType.TEXT_PLAIN, MIMEType.IMAGE_PNG, MIMEType.IMAGE_GIF)
                .register(TensorRenderer::render);
    }

    static void render(NDArray array, RenderContext context) {
        Shape s = array.getShape();
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> text(array));
        if (TensorImages.isImage(s)) {
            context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Pictures.png(enlarge(TensorImages.toImage(array))));
        } else if (TensorImages.isImageBatch(s)) {
            context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Pictures.png(grid(array)));
        } else if (TensorImages.isVideo(s)) {
            context.renderIfRequested(MIMEType.IMAGE_GIF, () -> Pictures.base64(video(array)));
        }
    }

    /** The summary line, followed by the values for a small array. */
    static String text(NDArray array) {
        String summary = TensorSummary.describe(array);
        if (TensorImages.isImageBatch(array.getShape()) && array.getShape().get(0) > MAX_BATCH) {
            summary += " (the picture shows the first " + MAX_BATCH + " of " + array.getShape().get(0) + ")";
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

    private static byte[] video(NDArray video) {
        List<BufferedImage> frames = TensorImages.toFrames(video, PixelRange.AUTO);
        int f = factor(frames.get(0));
        return AnimatedGif.encode(frames.stream().map(i -> TensorImages.upscale(i, f)).toList(), FRAME_MILLIS);
    }

    private static BufferedImage enlarge(BufferedImage image) {
        return TensorImages.upscale(image, factor(image));
    }

    static int factor(BufferedImage image) {
        int side = Math.min(image.getWidth(), image.getHeight());
        return Math.max(1, Math.min(8, (MIN_SIDE + side - 1) / side));
    }
}
