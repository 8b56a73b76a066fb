package org.tokenlab.mask;

import org.tokenlab.internal.Checks;

/**
 * The size of a latent token grid: {@code frames} latent frames of {@code height} x {@code width}
 * tokens, the axes {@code (t, h, w)} of a token grid {@code (B, t, h, w)}. An image's grid has one
 * frame. A token sequence of the grid has {@link #size()} tokens in {@code (t, h, w)} row-major order.
 *
 * <pre>{@code
 * jshell> var grid = new GridShape(4, 16, 16);     // MAGVIT: 16 frames of 128x128 pixels, s = 4, f = 8
 * jshell> grid.size()
 * $2 ==> 1024
 * jshell> GridShape.image(16, 16).frames()
 * $3 ==> 1
 * }</pre>
 *
 * @param frames latent frames {@code t}, at least 1
 * @param height tokens per column {@code h}, at least 1
 * @param width tokens per row {@code w}, at least 1
 */
public record GridShape(int frames, int height, int width) {

    /** @throws IllegalArgumentException when a size is below 1 */
    public GridShape {
        Checks.require(frames >= 1 && height >= 1 && width >= 1,
                "GridShape expects (frames, height, width) each at least 1, got (%d, %d, %d); an image's grid has 1 frame",
                frames, height, width);
        Checks.require((long) frames * height * width <= Integer.MAX_VALUE,
                "GridShape expects at most %d tokens, got (%d, %d, %d)", Integer.MAX_VALUE, frames, height, width);
    }

    /** The grid of an image: one frame of {@code height} x {@code width} tokens. */
    public static GridShape image(int height, int width) {
        return new GridShape(1, height, width);
    }

    /** The number of tokens {@code t * h * w}, the length {@code L} of the grid's token sequence. */
    public int size() {
        return frames * height * width;
    }

    /** The position of token {@code (t, y, x)} in the grid's token sequence: {@code (t * h + y) * w + x}. */
    public int index(int t, int y, int x) {
        Checks.require(t >= 0 && t < frames && y >= 0 && y < height && x >= 0 && x < width,
                "token (t, y, x) = (%d, %d, %d) is outside the grid %s; indices start at 0", t, y, x, this);
        return (t * height + y) * width + x;
    }

    /** {@code (t, h, w)}, as shapes are written elsewhere in the library. */
    @Override
    public String toString() {
        return "(" + frames + ", " + height + ", " + width + ")";
    }
}
