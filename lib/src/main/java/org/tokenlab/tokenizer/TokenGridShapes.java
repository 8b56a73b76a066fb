package org.tokenlab.tokenizer;

import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;
import org.tokenlab.quantize.Quantizer;

/** The image and video cases of {@link VisualTokenizer#tokenShape} and {@link VisualTokenizer#inputShape}. */
final class TokenGridShapes {

    private TokenGridShapes() {}

    /** Images {@code (B, C, H, W)} to the quantizer's index shape of the grid {@code (B, D, H/f, W/f)}. */
    static Shape imageTokens(VisualTokenizer tokenizer, Shape input) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(input, "input");
        Checks.require(input.dimension() == 4, "%s maps images (B, C, H, W) to token grids, got shape %s",
                who, Checks.describe(input));
        Checks.require(positive(input), "%s expects positive sizes, got shape %s", who, Checks.describe(input));
        for (int axis = 2; axis <= 3; axis++) {
            long size = input.get(axis);
            Checks.require(size % f == 0, "%s covers %dx%d pixels with one token, so H and W must be multiples of %d, "
                    + "got %s %d in shape %s; %s", who, f, f, f, axis == 2 ? "H" : "W", size, Checks.describe(input),
                    fit(size, f));
        }
        Quantizer q = tokenizer.quantizer();
        return q.indexShape(new Shape(input.get(0), q.codeDimension(), input.get(2) / f, input.get(3) / f));
    }

    /** Ids {@code (B, h, w)}, or with the quantizer's extra axes {@code (B, Q, h, w)}, to images {@code (B, C, h*f, w*f)}. */
    static Shape imageInput(VisualTokenizer tokenizer, Shape tokens, int channels) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(tokens, "tokens");
        int rank = gridRank(tokenizer.quantizer());
        Checks.require(tokens.dimension() == rank, "%s gives token grids of rank %d (%s), got shape %s",
                who, rank, rank == 3 ? "B, h, w" : "B, Q, h, w", Checks.describe(tokens));
        Checks.require(positive(tokens), "%s expects positive token-grid sizes, got shape %s", who, Checks.describe(tokens));
        Checks.require(channels >= 1, "%s needs at least one channel, got %d; 1 for digits, 3 for RGB", who, channels);
        return new Shape(tokens.get(0), channels, tokens.get(rank - 2) * f, tokens.get(rank - 1) * f);
    }

    /**
     * Videos {@code (B, C, T, H, W)} to the quantizer's index shape of the grid
     * {@code (B, D, T/s, H/f, W/f)} for the temporal factor {@code s} and spatial factor {@code f}.
     */
    static Shape videoTokens(VisualTokenizer tokenizer, int s, Shape input) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(input, "input");
        Checks.require(input.dimension() == 5, "%s maps videos (B, C, T, H, W) to token grids (B, t, h, w), got shape "
                + "%s; an image is a clip of one frame only for a causal tokenizer: add a time axis with "
                + "expandDims(2) and repeat it to a multiple of %d frames", who, Checks.describe(input), s);
        Checks.require(positive(input), "%s expects positive sizes, got shape %s", who, Checks.describe(input));
        Checks.require(input.get(2) % s == 0, "%s turns every %d frames into one latent frame, so T must be a multiple "
                + "of %d, got T %d in shape %s; %s", who, s, s, input.get(2), Checks.describe(input), fit(input.get(2), s));
        for (int axis = 3; axis <= 4; axis++) {
            long size = input.get(axis);
            Checks.require(size % f == 0, "%s covers %dx%d pixels with one token, so H and W must be multiples of %d, "
                    + "got %s %d in shape %s; %s", who, f, f, f, axis == 3 ? "H" : "W", size, Checks.describe(input),
                    fit(size, f));
        }
        Quantizer q = tokenizer.quantizer();
        return q.indexShape(new Shape(input.get(0), q.codeDimension(), input.get(2) / s, input.get(3) / f,
                input.get(4) / f));
    }

    /** Ids {@code (B, t, h, w)}, or {@code (B, Q, t, h, w)}, to videos {@code (B, C, t*s, h*f, w*f)}. */
    static Shape videoInput(VisualTokenizer tokenizer, int s, Shape tokens, int channels) {
        String who = tokenizer.getClass().getSimpleName();
        int f = tokenizer.downsamplingFactor();
        Checks.notNull(tokens, "tokens");
        Quantizer q = tokenizer.quantizer();
        int rank = q.indexShape(new Shape(1, q.codeDimension(), 1, 1, 1)).dimension();
        Checks.require(tokens.dimension() == rank, "%s gives token grids of rank %d (%s), got shape %s",
                who, rank, rank == 4 ? "B, t, h, w" : "B, Q, t, h, w", Checks.describe(tokens));
        Checks.require(positive(tokens), "%s expects positive token-grid sizes, got shape %s", who, Checks.describe(tokens));
        Checks.require(channels >= 1, "%s needs at least one channel, got %d; 1 for digits, 3 for RGB", who, channels);
        return new Shape(tokens.get(0), channels, tokens.get(rank - 3) * s, tokens.get(rank - 2) * f,
                tokens.get(rank - 1) * f);
    }

    /** The rank of the ids of a grid: 3 for {@code (B, h, w)}, one more per axis the quantizer adds. */
    static int gridRank(Quantizer q) {
        return q.indexShape(new Shape(1, q.codeDimension(), 1, 1)).dimension();
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
