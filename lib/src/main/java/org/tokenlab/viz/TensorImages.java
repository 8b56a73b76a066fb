package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;

/**
 * Converts channel-first tensors to {@link BufferedImage}s.
 *
 * <p>Accepted layouts: an image {@code (H, W)}, {@code (1, H, W)} or {@code (3, H, W)}; a batch
 * {@code (B, C, H, W)}; a video {@code (C, T, H, W)} (one image per frame). The pixel range is
 * resolved once over the whole tensor (see {@link PixelRange}), so frames and batch members are
 * drawn on the same scale. The input is not modified or closed; temporaries are freed before
 * returning.
 *
 * <pre>{@code
 * jshell> BufferedImage img = TensorImages.toImage(manager.randomUniform(-1, 1, new Shape(3, 32, 32)));
 * }</pre>
 */
public final class TensorImages {

    private TensorImages() {}

    /** Smallest height and width taken for a picture; smaller arrays are matrices, not images. */
    public static final int MIN_SIDE = 8;

    /** True for {@code (H, W)}, {@code (1, H, W)} and {@code (3, H, W)} with sides of at least {@link #MIN_SIDE}. */
    public static boolean isImage(Shape shape) {
        int d = shape.dimension();
        return (d == 2 || d == 3 && isChannels(shape.get(0))) && pictureSides(shape);
    }

    /** True for {@code (B, C, H, W)} with C of 1 or 3 and sides of at least {@link #MIN_SIDE}. */
    public static boolean isImageBatch(Shape shape) {
        return shape.dimension() == 4 && shape.get(0) > 0 && isChannels(shape.get(1)) && pictureSides(shape);
    }

    /** True for {@code (C, T, H, W)} with C of 1 or 3 that is not also an image batch. */
    public static boolean isVideo(Shape shape) {
        return shape.dimension() == 4 && !isImageBatch(shape) && isChannels(shape.get(0)) && shape.get(1) > 0
                && pictureSides(shape);
    }

    private static boolean pictureSides(Shape shape) {
        int d = shape.dimension();
        return shape.get(d - 2) >= MIN_SIDE && shape.get(d - 1) >= MIN_SIDE;
    }

    /** One image, pixel range chosen automatically. */
    public static BufferedImage toImage(NDArray image) {
        return toImage(image, PixelRange.AUTO);
    }

    /** One image {@code (H, W)}, {@code (1, H, W)} or {@code (3, H, W)}. */
    public static BufferedImage toImage(NDArray image, PixelRange range) {
        Checks.notNull(image, "image");
        Shape given = image.getShape();
        Checks.require(given.dimension() == 2 || given.dimension() == 3 && isChannels(given.get(0)),
                "toImage expects an image of shape (H, W), (1, H, W) or (3, H, W), got %s; "
                        + "use toImages for a batch (B, C, H, W) or toFrames for a video (C, T, H, W)",
                Checks.describe(image.getShape()));
        Shape s = image.getShape();
        int c = s.dimension() == 2 ? 1 : (int) s.get(0);
        int h = (int) s.get(s.dimension() - 2);
        int w = (int) s.get(s.dimension() - 1);
        Pixels p = Pixels.of(image, range);
        return p.image(0, c, h * w, h, w);
    }

    /** Each image of a batch {@code (B, C, H, W)}, C of 1 or 3. */
    public static List<BufferedImage> toImages(NDArray batch, PixelRange range) {
        Checks.notNull(batch, "batch");
        Checks.require(batch.getShape().dimension() == 4 && isChannels(batch.getShape().get(1)),
                "toImages expects a batch of shape (B, C, H, W) with C = 1 or 3, got %s",
                Checks.describe(batch.getShape()));
        Shape s = batch.getShape();
        int b = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        Pixels p = Pixels.of(batch, range);
        List<BufferedImage> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(p.image(i * c * h * w, c, h * w, h, w));
        }
        return out;
    }

    /** Each frame of a video {@code (C, T, H, W)}, C of 1 or 3. */
    public static List<BufferedImage> toFrames(NDArray video, PixelRange range) {
        Checks.notNull(video, "video");
        Shape s = video.getShape();
        Checks.require(s.dimension() == 4 && isChannels(s.get(0)),
                "toFrames expects a video of shape (C, T, H, W) with C = 1 or 3, got %s",
                Checks.describe(s));
        int c = (int) s.get(0);
        int t = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        Pixels p = Pixels.of(video, range);
        List<BufferedImage> out = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            out.add(p.image(i * h * w, c, t * h * w, h, w));
        }
        return out;
    }

    /**
     * Nearest-neighbour enlargement by an integer factor, so small digits stay crisp. The result is
     * RGB; grey pixels are copied as they are stored (no colour-space conversion).
     */
    public static BufferedImage upscale(BufferedImage image, int factor) {
        Checks.notNull(image, "image");
        Checks.positive(factor, "factor");
        int w = image.getWidth();
        int h = image.getHeight();
        int[] src = rgb(image);
        int[] dst = new int[w * factor * h * factor];
        for (int y = 0; y < h * factor; y++) {
            int row = (y / factor) * w;
            for (int x = 0; x < w * factor; x++) {
                dst[y * w * factor + x] = src[row + x / factor];
            }
        }
        BufferedImage out = new BufferedImage(w * factor, h * factor, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w * factor, h * factor, dst, 0, w * factor);
        return out;
    }

    /**
     * The pixels as packed RGB. An 8-bit grey image's stored values are used directly:
     * {@link BufferedImage#getRGB} would pass them through a linear-to-sRGB conversion and brighten them.
     */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h];
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] gray = (byte[]) image.getRaster().getDataElements(0, 0, w, h, null);
            for (int i = 0; i < out.length; i++) {
                int v = gray[i] & 0xFF;
                out[i] = (v << 16) | (v << 8) | v;
            }
            return out;
        }
        return image.getRGB(0, 0, w, h, out, 0, w);
    }

    private static boolean isChannels(long c) {
        return c == 1 || c == 3;
    }

    /** The tensor's values on the host, with the resolved range. */
    private static final class Pixels {
        final float[] values;
        final PixelRange range;
        final double min;
        final double max;

        private Pixels(float[] values, PixelRange range, double min, double max) {
            this.values = values;
            this.range = range;
            this.min = min;
            this.max = max;
        }

        static Pixels of(NDArray array, PixelRange requested) {
            Checks.notNull(requested, "range");
            float[] v = HostValues.floats(array);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (float f : v) {
                if (!Float.isNaN(f)) {
                    min = Math.min(min, f);
                    max = Math.max(max, f);
                }
            }
            boolean integral = array.getDataType().isInteger() || array.getDataType() == DataType.BOOLEAN;
            return new Pixels(v, requested.resolve(integral, min, max), min, max);
        }

        /** Image whose channel {@code k} pixel {@code (y, x)} is at {@code offset + k*channelStride + y*w + x}. */
        BufferedImage image(int offset, int channels, int channelStride, int h, int w) {
            BufferedImage img = new BufferedImage(w, h,
                    channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            if (channels == 1) {
                byte[] gray = new byte[w * h];
                for (int i = 0; i < w * h; i++) {
                    gray[i] = (byte) range.toByte(values[offset + i], min, max);
                }
                img.getRaster().setDataElements(0, 0, w, h, gray);
                return img;
            }
            int[] rgb = new int[w * h];
            for (int i = 0; i < w * h; i++) {
                int r = range.toByte(values[offset + i], min, max);
                int g = range.toByte(values[offset + channelStride + i], min, max);
                int b = range.toByte(values[offset + 2 * channelStride + i], min, max);
                rgb[i] = (r << 16) | (g << 8) | b;
            }
            img.setRGB(0, 0, w, h, rgb, 0, w);
            return img;
        }
    }
}
