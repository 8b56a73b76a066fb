package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.tokenlab.internal.Checks;
import org.tokenlab.mask.TokenMask;

/**
 * Pictures of a {@link TokenMask}: on its own, as a filmstrip of one tile per latent frame (given
 * tokens light, generated ones dark, with grid lines between tokens), or over the clip it applies to,
 * each token's pixels tinted (given green, generated darkened). A clip of {@code T} frames covers
 * {@code t} latent frames either as a tokenizer that makes one latent frame of every {@code s = T / t}
 * frames (MAGVIT's 3D VQ) or as a causal one ({@code T = 1 + s (t - 1)}, MAGVIT-v2), where frame 0
 * has its own latent frame.
 *
 * <pre>{@code
 * jshell> var grid = new GridShape(4, 8, 8);
 * jshell> BufferedImage tiles = MaskPictures.of(MagvitTask.DYNAMIC_INPAINTING.conditionMask(grid), 8);
 * jshell> BufferedImage over = MaskPictures.overlay(video, MagvitTask.CENTRAL_OUTPAINTING.conditionMask(grid), 2);
 * }</pre>
 */
public final class MaskPictures {

    /** A given token in {@link #of}. */
    public static final int GIVEN = 0xE6E6E6;
    /** A generated token in {@link #of}. */
    public static final int GENERATED = 0x3A3A3A;
    private static final int LINE = 0x8C8C8C;
    private static final int GIVEN_TINT = 0x3CB44B;      // green, 30% over the given pixels
    private static final int GENERATED_TINT = 0x101010; // near black, 60% over the generated pixels

    private MaskPictures() {}

    /**
     * One tile per latent frame, left to right; each token a {@code cellPixels} square, light when
     * given and dark when generated, with a one-pixel grid line around every token.
     *
     * @throws IllegalArgumentException for a cell smaller than 3 pixels
     */
    public static BufferedImage of(TokenMask mask, int cellPixels) {
        Checks.notNull(mask, "mask");
        Checks.require(cellPixels >= 3, "MaskPictures.of expects cells of at least 3 pixels (1 of grid line), got %d", cellPixels);
        int t = mask.shape().frames();
        int h = mask.shape().height();
        int w = mask.shape().width();
        List<BufferedImage> tiles = new ArrayList<>(t);
        for (int f = 0; f < t; f++) {
            BufferedImage tile = new BufferedImage(w * cellPixels + 1, h * cellPixels + 1, BufferedImage.TYPE_INT_RGB);
            for (int py = 0; py < tile.getHeight(); py++) {
                for (int px = 0; px < tile.getWidth(); px++) {
                    boolean line = py % cellPixels == 0 || px % cellPixels == 0;
                    int y = Math.min(py / cellPixels, h - 1);
                    int x = Math.min(px / cellPixels, w - 1);
                    tile.setRGB(px, py, line ? LINE : mask.get(f, y, x) ? GIVEN : GENERATED);
                }
            }
            tiles.add(tile);
        }
        return ImageGrid.of(tiles, t, 1);
    }

    /**
     * The clip's frames in a row, each pixel tinted by the token that covers it: given green,
     * generated darkened. The time axis is mapped as a non-causal tokenizer when {@code T} is a
     * multiple of {@code t}, else as a causal one; see {@link #overlay(NDArray, TokenMask, int, boolean)}
     * to choose.
     *
     * @param clip {@code (1, C, T, H, W)} or {@code (C, T, H, W)} in [-1, 1], C of 1 or 3, {@code H} a
     *     multiple of the mask's height and {@code W} of its width
     * @param scale how many times to enlarge each frame
     */
    public static BufferedImage overlay(NDArray clip, TokenMask mask, int scale) {
        Checks.notNull(clip, "clip");
        Checks.notNull(mask, "mask");
        long frames = clip.getShape().dimension() >= 4 ? clip.getShape().get(clip.getShape().dimension() - 3) : 0;
        return overlay(clip, mask, scale, frames % mask.shape().frames() != 0);
    }

    /**
     * {@link #overlay(NDArray, TokenMask, int)} with the time axis chosen: {@code causal} maps frame 0
     * to latent frame 0 and frame {@code i > 0} to {@code 1 + (i - 1) / s} with {@code s = (T - 1) / (t - 1)};
     * otherwise frame {@code i} belongs to latent frame {@code i / s} with {@code s = T / t}.
     *
     * @throws IllegalArgumentException for another rank or a batch of more than one clip, or when the
     *     clip's frames, height or width do not divide into the mask's grid
     */
    public static BufferedImage overlay(NDArray clip, TokenMask mask, int scale, boolean causal) {
        Checks.notNull(clip, "clip");
        Checks.notNull(mask, "mask");
        Shape s = clip.getShape();
        Checks.require(s.dimension() == 4 || s.dimension() == 5 && s.get(0) == 1, "MaskPictures.overlay expects one clip "
                + "(1, C, T, H, W) or (C, T, H, W), got %s; pick one with clips.get(\"0:1\")", Checks.describe(s));
        Shape one = s.dimension() == 5 ? s.slice(1) : s;
        int frames = (int) one.get(1);
        int height = (int) one.get(2);
        int width = (int) one.get(3);
        int t = mask.shape().frames();
        int h = mask.shape().height();
        int w = mask.shape().width();
        Checks.require(height % h == 0 && width % w == 0, "MaskPictures.overlay expects frames whose height and width are "
                + "multiples of the mask's %dx%d tokens, got %dx%d pixels; give the mask of this clip's token grid", h, w, height, width);
        int[] latent = latentFrames(frames, t, causal);
        List<BufferedImage> images;
        if (s.dimension() == 5) {
            try (NDArray single = clip.squeeze(0)) {
                images = Filmstrip.frames(single, PixelRange.SIGNED_UNIT).get(0);
            }
        } else {
            images = Filmstrip.frames(clip, PixelRange.SIGNED_UNIT).get(0);
        }
        List<BufferedImage> tinted = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            int[] src = TensorImages.rgb(images.get(i));   // as stored: getRGB would convert grey through a colour space
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int py = 0; py < height; py++) {
                for (int px = 0; px < width; px++) {
                    boolean given = mask.get(latent[i], py / (height / h), px / (width / w));
                    int rgb = src[py * width + px] & 0xFFFFFF;
                    out.setRGB(px, py, given ? blend(rgb, GIVEN_TINT, 0.3) : blend(rgb, GENERATED_TINT, 0.6));
                }
            }
            tinted.add(out);
        }
        return ImageGrid.of(tinted, frames, scale);
    }

    /** The latent frame of each of {@code frames} clip frames. */
    private static int[] latentFrames(int frames, int t, boolean causal) {
        int[] out = new int[frames];
        if (causal) {
            Checks.require(t >= 2 && (frames - 1) % (t - 1) == 0 && frames > 1, "MaskPictures.overlay (causal) expects "
                    + "T = 1 + s (t - 1) frames for a mask of t = %d latent frames, got T = %d; a causal grid of t latent "
                    + "frames needs at least 2 of them", t, frames);
            int s = (frames - 1) / (t - 1);
            for (int i = 1; i < frames; i++) {
                out[i] = 1 + (i - 1) / s;
            }
        } else {
            Checks.require(frames % t == 0, "MaskPictures.overlay expects T to be a multiple of the mask's t = %d latent "
                    + "frames (s = T / t), got T = %d; for a causal tokenizer (T = 1 + s (t - 1)) pass causal = true", t, frames);
            for (int i = 0; i < frames; i++) {
                out[i] = i / (frames / t);
            }
        }
        return out;
    }

    private static int blend(int rgb, int tint, double alpha) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = (rgb >> shift) & 0xFF;
            int b = (tint >> shift) & 0xFF;
            out |= ((int) Math.round(a * (1 - alpha) + b * alpha) & 0xFF) << shift;
        }
        return out;
    }
}
