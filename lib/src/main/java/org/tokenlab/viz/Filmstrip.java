package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * Videos drawn as filmstrips (one row of frames per clip) and as animations (every clip's frame t
 * side by side, frame after frame), for a clip {@code (C, T, H, W)} or a batch
 * {@code (B, C, T, H, W)}, C of 1 or 3. The pixel range is resolved once over the whole input, so
 * every frame and clip is drawn on the same scale.
 *
 * <pre>{@code
 * jshell> NDArray clips = manager.randomUniform(-1, 1, new Shape(2, 1, 8, 16, 16));
 * jshell> BufferedImage strip = Filmstrip.of(clips, PixelRange.SIGNED_UNIT, 2);        // 2 rows of 8 frames
 * jshell> byte[] gif = Filmstrip.animation(clips, PixelRange.SIGNED_UNIT, 2, 125);    // 8 frames, 2 clips each
 * jshell> NDArray rows = Filmstrip.compare(clips, clips.mul(0.9f));                   // real, reconstruction, error
 * }</pre>
 */
public final class Filmstrip {

    private Filmstrip() {}

    /** True for a clip {@code (C, T, H, W)} or a batch of clips {@code (B, C, T, H, W)} that can be drawn. */
    public static boolean isClips(Shape shape) {
        if (shape.dimension() == 4) {
            return TensorImages.isVideo(shape);
        }
        // (B, C, T, H, W): checked directly, since one clip (C, T, H, W) of C = 3 frames of one channel
        // would read as an image batch
        return shape.dimension() == 5 && shape.get(0) > 0 && (shape.get(1) == 1 || shape.get(1) == 3) && shape.get(2) > 0
                && shape.get(3) >= TensorImages.MIN_SIDE && shape.get(4) >= TensorImages.MIN_SIDE;
    }

    /** One row per clip, the clip's frames left to right, each enlarged {@code scale} times. */
    public static BufferedImage of(NDArray clips, PixelRange range, int scale) {
        List<List<BufferedImage>> frames = frames(clips, range);
        List<BufferedImage> cells = new ArrayList<>();
        frames.forEach(cells::addAll);
        return ImageGrid.of(cells, frames.get(0).size(), scale);
    }

    /**
     * An animated GIF whose frame t shows frame t of every clip, side by side (at most eight per
     * row), each enlarged {@code scale} times, {@code frameMillis} per frame.
     */
    public static byte[] animation(NDArray clips, PixelRange range, int scale, int frameMillis) {
        List<List<BufferedImage>> frames = frames(clips, range);
        int columns = Math.min(8, frames.size());
        List<BufferedImage> animation = new ArrayList<>();
        for (int t = 0; t < frames.get(0).size(); t++) {
            List<BufferedImage> atT = new ArrayList<>();
            for (List<BufferedImage> clip : frames) {
                atT.add(clip.get(t));
            }
            animation.add(ImageGrid.of(atT, columns, scale));
        }
        return AnimatedGif.encode(animation, frameMillis);
    }

    /**
     * Real clips and their reconstructions {@code (B, C, T, H, W)} interleaved with the error
     * between them, as {@code (3B, C, T, H, W)}: for each clip the real one, the reconstruction, and
     * {@code |real - reconstruction| - 1}, which is -1 (black) where they agree and brightens with the
     * error (a difference of 2, the whole [-1, 1] range, is white). Draw it with {@link #of}.
     */
    public static NDArray compare(NDArray real, NDArray reconstruction) {
        Checks.notNull(real, "real");
        Checks.notNull(reconstruction, "reconstruction");
        Checks.require(real.getShape().dimension() == 5 && real.getShape().equals(reconstruction.getShape()),
                "Filmstrip.compare expects real clips and reconstructions of the same shape (B, C, T, H, W), got %s and %s",
                Checks.describe(real.getShape()), Checks.describe(reconstruction.getShape()));
        NDManager owner = real.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray x = real;
            NDArray y = reconstruction;
            x.tempAttach(scope);   // every temporary lands in the scope; the inputs go back when it closes
            y.tempAttach(scope);
            NDArray error = x.sub(y).abs().sub(scope.ones(new Shape(1), x.getDataType()));
            NDArray stacked = NDArrays.stack(new NDList(x, y, error), 1);   // (B, 3, C, T, H, W)
            Shape s = real.getShape();
            NDArray out = stacked.reshape(new Shape(s.get(0) * 3).addAll(s.slice(1)));
            out.attach(owner);
            return out;
        }
    }

    /**
     * Token grids {@code (t, h, w)} or {@code (B, t, h, w)} of integer ids as coloured filmstrips: one
     * row per clip, one grid per time step, each id a fixed colour (hues spread by the golden angle,
     * so neighbouring ids differ), each token a {@code scale} x {@code scale} square.
     */
    public static BufferedImage ofTokens(NDArray ids, int scale) {
        Checks.notNull(ids, "ids");
        Shape s = ids.getShape();
        Checks.require((s.dimension() == 3 || s.dimension() == 4)
                        && ids.getDataType().isInteger(),
                "Filmstrip.ofTokens expects integer ids of shape (t, h, w) or (B, t, h, w), got %s %s",
                ids.getDataType(), Checks.describe(s));
        Checks.positive(scale, "scale");
        Shape grid = s.dimension() == 3 ? new Shape(1).addAll(s) : s;
        int b = (int) grid.get(0);
        int t = (int) grid.get(1);
        int h = (int) grid.get(2);
        int w = (int) grid.get(3);
        long[] values = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        List<BufferedImage> cells = new ArrayList<>(b * t);
        for (int k = 0; k < b * t; k++) {
            BufferedImage cell = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    cell.setRGB(x, y, colour(values[(k * h + y) * w + x]));
                }
            }
            cells.add(cell);
        }
        return ImageGrid.of(cells, t, scale);
    }

    /** The colour of token {@code id}: hue {@code id * 0.618...} (the golden ratio), fairly saturated and bright. */
    static int colour(long id) {
        double hue = (id * 0.6180339887498949) % 1.0;
        return java.awt.Color.HSBtoRGB((float) hue, 0.65f, id % 2 == 0 ? 0.95f : 0.75f) & 0xFFFFFF;
    }

    /**
     * Whether {@code s} can be drawn: any positive sizes, so a 3x3x3 kernel can be shown enlarged
     * ({@link #isClips} also asks for frames of at least {@link TensorImages#MIN_SIDE} pixels, which is what
     * tells a video from other arrays when the kernel picks a picture for an array).
     */
    private static boolean drawable(Shape s) {
        int c = s.dimension() == 5 ? 1 : 0;
        if (s.dimension() < 4 || s.dimension() > 5 || s.get(c) != 1 && s.get(c) != 3) {
            return false;
        }
        for (int i = 0; i < s.dimension(); i++) {
            if (s.get(i) < 1) {
                return false;
            }
        }
        return true;
    }

    /** The frames of every clip, clip by clip, on one pixel range. */
    static List<List<BufferedImage>> frames(NDArray clips, PixelRange range) {
        Checks.notNull(clips, "clips");
        Checks.notNull(range, "range");
        Shape s = clips.getShape();
        Checks.require(drawable(s), "Filmstrip expects a clip (C, T, H, W) or clips (B, C, T, H, W) with C = 1 or 3 "
                + "and positive sizes, got %s", Checks.describe(s));
        if (s.dimension() == 4) {
            return List.of(TensorImages.toFrames(clips, range));
        }
        int b = (int) s.get(0);
        int t = (int) s.get(2);
        List<BufferedImage> all;
        try (NDManager scope = clips.getManager().newSubManager()) {
            clips.tempAttach(scope);
            // (B, C, T, H, W) -> (C, B * T, H, W): one "video" of every clip's frames, drawn on one range
            NDArray joined = clips.transpose(1, 0, 2, 3, 4).reshape(s.get(1), (long) b * t, s.get(3), s.get(4));
            all = TensorImages.toFrames(joined, range);
        }
        List<List<BufferedImage>> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(all.subList(i * t, (i + 1) * t));
        }
        return out;
    }
}
