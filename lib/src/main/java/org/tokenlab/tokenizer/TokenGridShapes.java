package org.tokenlab.tokenizer;

import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;
import org.tokenlab.quantize.Quantizer;

/** The image and video cases of {@link VisualTokenizer#tokenShape} and {@link VisualTokenizer#inputShape}. */
final class TokenGridShapes {

    private TokenGridShapes() {}

    /** Images {@code (B, C, H, W)} to the quantizer's index shape of the grid {@code (B, D, H/f, W/f)}. */
    static Shape imageTokens(VisualTokenizer tokenizer, Shape input) {
        return tokens(tokenizer, input, false, 1);
    }

    /** Ids {@code (B, h, w)}, or with the quantizer's extra axes {@code (B, Q, h, w)}, to images {@code (B, C, h*f, w*f)}. */
    static Shape imageInput(VisualTokenizer tokenizer, Shape tokens, int channels) {
        return input(tokenizer, tokens, channels, false, 1);
    }

    /**
     * Videos {@code (B, C, T, H, W)} to the quantizer's index shape of the grid
     * {@code (B, D, T/s, H/f, W/f)} for the temporal factor {@code s} and spatial factor {@code f}.
     */
    static Shape videoTokens(VisualTokenizer tokenizer, int s, Shape input) {
        return tokens(tokenizer, input, true, s);
    }

    /** Ids {@code (B, t, h, w)}, or {@code (B, Q, t, h, w)}, to videos {@code (B, C, t*s, h*f, w*f)}. */
    static Shape videoInput(VisualTokenizer tokenizer, int s, Shape tokens, int channels) {
        return input(tokenizer, tokens, channels, true, s);
    }

    /** Images or videos to the index shape of their grid; a video's time axis is divided by {@code s}. */
    private static Shape tokens(VisualTokenizer tokenizer, Shape input, boolean video, int s) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(input, "input");
        if (video) {
            Checks.require(input.dimension() == 5, "%s maps videos (B, C, T, H, W) to token grids (B, t, h, w), got "
                    + "shape %s; an image is a clip of one frame only for a causal tokenizer: add a time axis with "
                    + "expandDims(2) and repeat it to a multiple of %d frames", who, Checks.describe(input), s);
        } else {
            Checks.require(input.dimension() == 4, "%s maps images (B, C, H, W) to token grids, got shape %s",
                    who, Checks.describe(input));
        }
        Checks.require(positive(input), "%s expects positive sizes, got shape %s", who, Checks.describe(input));
        int height = input.dimension() - 2;
        long[] grid = input.getShape().clone();   // (B, C, [T,] H, W) -> (B, D, [T/s,] H/f, W/f)
        if (video) {
            Checks.require(input.get(2) % s == 0, "%s turns every %d frames into one latent frame, so T must be a "
                    + "multiple of %d, got T %d in shape %s; %s", who, s, s, input.get(2), Checks.describe(input),
                    fit(input.get(2), s));
            grid[2] /= s;
        }
        for (int axis = height; axis <= height + 1; axis++) {
            long size = input.get(axis);
            Checks.require(size % f == 0, "%s covers %dx%d pixels with one token, so H and W must be multiples of %d, "
                    + "got %s %d in shape %s; %s", who, f, f, f, axis == height ? "H" : "W", size, Checks.describe(input),
                    fit(size, f));
            grid[axis] /= f;
        }
        Quantizer q = tokenizer.quantizer();
        grid[1] = q.codeDimension();
        return q.indexShape(new Shape(grid));
    }

    /** Ids of a grid, {@code ([Q,] [t,] h, w)} after the batch, to the images or videos they come from. */
    private static Shape input(VisualTokenizer tokenizer, Shape tokens, int channels, boolean video, int s) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(tokens, "tokens");
        int axes = video ? 3 : 2;
        int rank = gridRank(tokenizer.quantizer(), axes);
        Checks.require(tokens.dimension() == rank, "%s gives token grids of rank %d (%s), got shape %s", who, rank,
                (rank == axes + 1 ? "B, " : "B, Q, ") + (video ? "t, h, w" : "h, w"), Checks.describe(tokens));
        Checks.require(positive(tokens), "%s expects positive token-grid sizes, got shape %s", who, Checks.describe(tokens));
        Checks.require(channels >= 1, "%s needs at least one channel, got %d; 1 for digits, 3 for RGB", who, channels);
        long[] out = new long[axes + 2];   // (B, C, [t*s,] h*f, w*f)
        out[0] = tokens.get(0);
        out[1] = channels;
        for (int i = 0; i < axes; i++) {
            boolean time = video && i == 0;
            out[2 + i] = tokens.get(rank - axes + i) * (time ? s : f);
        }
        return new Shape(out);
    }

    /**
     * The rank of the ids of a grid with {@code axes} spatial axes (2 for images, 3 for videos): one
     * per axis plus the batch axis, one more per axis the quantizer adds ({@code (B, h, w)}: 3).
     */
    static int gridRank(Quantizer q, int axes) {
        long[] ones = new long[axes + 2];
        java.util.Arrays.fill(ones, 1);
        ones[1] = q.codeDimension();
        return q.indexShape(new Shape(ones)).dimension();
    }

    /** How to bring {@code size} to a multiple of {@code f}: the nearest multiples below and above. */
    private static String fit(long size, int f) {
        long above = (size / f + 1) * f;
        return size < f ? "pad to " + above : "crop to " + size / f * f + " or pad to " + above;
    }

    private static boolean positive(Shape s) {
        for (int i = 0; i < s.dimension(); i++) {
            if (s.get(i) < 1) {
                return false;
            }
        }
        return true;
    }
}
