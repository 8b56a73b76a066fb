package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;
import org.tokenlab.tokenizer.VisualTokenizer;

/**
 * What single codes draw: each code is placed in a block at the centre of a grid otherwise filled
 * with a background code (for digits, the code of empty paper, usually the most used one) and the
 * tokenizer decodes the grid. A convolutional decoder spreads a code over its neighbours, so the
 * picture shows the stroke the code stands for in context, not a patch cut out of a digit.
 *
 * <pre>{@code
 * jshell> NDArray strokes = CodebookPictures.strokes(tokenizer, 8, 8, background, 2, topCodes);  // (N, C, H, W)
 * }</pre>
 */
public final class CodebookPictures {

    private CodebookPictures() {}

    /**
     * Images {@code (N, C, H, W)}, one per code in {@code codes}: a {@code height x width} grid of
     * {@code background} with a centred {@code block x block} square of the code, decoded. The result
     * belongs to {@code manager}.
     *
     * @throws IllegalArgumentException for codes outside the tokenizer's vocabulary or a block larger than the grid
     */
    public static NDArray strokes(NDManager manager, VisualTokenizer tokenizer, int height, int width, long background,
            int block, long... codes) {
        Checks.notNull(manager, "manager");
        Checks.notNull(tokenizer, "tokenizer");
        Checks.positive(height, "height");
        Checks.positive(width, "width");
        Checks.require(block >= 1 && block <= Math.min(height, width),
                "block must be in [1, %d] for a %dx%d grid, got %d", Math.min(height, width), height, width, block);
        Checks.require(codes.length > 0, "strokes needs at least one code");
        long vocabulary = tokenizer.quantizer().codebookSize();
        checkCode(background, vocabulary, "background");
        long[] grids = new long[codes.length * height * width];
        int top = (height - block) / 2;
        int left = (width - block) / 2;
        for (int n = 0; n < codes.length; n++) {
            checkCode(codes[n], vocabulary, "code at position " + n);
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    boolean inside = r >= top && r < top + block && c >= left && c < left + block;
                    grids[(n * height + r) * width + c] = inside ? codes[n] : background;
                }
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray ids = scope.create(grids, new Shape(codes.length, height, width));
            NDArray images = tokenizer.decode(ids);
            images.attach(manager);
            return images;
        }
    }

    private static void checkCode(long code, long vocabulary, String what) {
        Checks.require(code >= 0 && code < vocabulary, "%s must be a token id in [0, %d), got %d", what, vocabulary, code);
    }
}
