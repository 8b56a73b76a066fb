package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.tokenizer.VisualTokenizer;

/**
 * Pictures of what codes stand for, two ways.
 *
 * <ul>
 *   <li>{@link #meanPatches}: from the data. Every place a code occurs in a set of token grids covers
 *       a cell of pixels in the image it was encoded from; the mean of those cells (with some
 *       surroundings) over all occurrences is what the encoder maps to that code.</li>
 *   <li>{@link #strokes}: from the decoder. Each code is placed in a block at the centre of a grid
 *       otherwise filled with a background code and the tokenizer decodes the grid. A convolutional
 *       decoder spreads a code over its neighbours, and an encoder with padding or attention may give
 *       the same empty paper different codes at different places, so this shows the code in one
 *       context, which is not always the context it was learned in.</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> NDArray ids = tokenizer.encode(images);                                      // (B, h, w)
 * jshell> NDArray means = CodebookPictures.meanPatches(images, ids, 4, -1f, codes);    // (N, C, f + 8, f + 8)
 * jshell> NDArray strokes = CodebookPictures.strokes(manager, tokenizer, 8, 8, background, 2, codes);  // (N, C, H, W)
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

    /**
     * For each code in {@code codes}, the mean over all its occurrences in {@code ids} of the pixel
     * window it covers in {@code images}: the token cell of {@code f x f} pixels ({@code f = H / h})
     * plus {@code context} pixels on every side, pixels outside the image counted as {@code fill}.
     * Result {@code (N, C, f + 2 context, f + 2 context)} on the images' manager; a code that does not
     * occur gives a window of {@code fill}.
     *
     * @param images {@code (B, C, H, W)}
     * @param ids the token grids of these images {@code (B, h, w)}, e.g. {@code tokenizer.encode(images)}
     * @throws IllegalArgumentException when the shapes do not fit together, context is negative or no code is given
     */
    public static NDArray meanPatches(NDArray images, NDArray ids, int context, float fill, long... codes) {
        Checks.notNull(images, "images");
        Checks.notNull(ids, "ids");
        Shape is = images.getShape();
        Shape ts = ids.getShape();
        Checks.require(is.dimension() == 4, "meanPatches expects images (B, C, H, W), got %s", Checks.describe(is));
        Checks.require(ts.dimension() == 3 && ts.get(0) == is.get(0),
                "meanPatches expects the token grids of the same %d images, (%d, h, w), got %s; encode the images with the tokenizer",
                is.get(0), is.get(0), Checks.describe(ts));
        int batch = (int) is.get(0), channels = (int) is.get(1), height = (int) is.get(2), width = (int) is.get(3);
        int rows = (int) ts.get(1), cols = (int) ts.get(2);
        Checks.require(rows > 0 && cols > 0 && height % rows == 0 && width % cols == 0 && height / rows == width / cols,
                "images %dx%d are not a whole number of square token cells of a %dx%d grid; give the grids encoded from these images",
                height, width, rows, cols);
        Checks.require(context >= 0, "context must be at least 0 pixels, got %d", context);
        Checks.require(codes.length > 0, "meanPatches needs at least one code");
        int factor = height / rows;
        int side = factor + 2 * context;
        Map<Long, Integer> slot = new HashMap<>();
        for (int n = 0; n < codes.length; n++) {
            slot.putIfAbsent(codes[n], n);
        }
        float[] pixels = HostValues.floats(images);
        long[] tokens = HostValues.longs(ids);
        double[] sums = new double[codes.length * channels * side * side];
        long[] counts = new long[codes.length];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    Integer n = slot.get(tokens[(b * rows + r) * cols + c]);
                    if (n == null) {
                        continue;
                    }
                    counts[n]++;
                    for (int ch = 0; ch < channels; ch++) {
                        int base = (n * channels + ch) * side * side;
                        for (int y = 0; y < side; y++) {
                            int py = r * factor - context + y;
                            for (int x = 0; x < side; x++) {
                                int px = c * factor - context + x;
                                boolean inside = py >= 0 && py < height && px >= 0 && px < width;
                                sums[base + y * side + x] += inside ? pixels[((b * channels + ch) * height + py) * width + px] : fill;
                            }
                        }
                    }
                }
            }
        }
        float[] means = new float[codes.length * channels * side * side];
        for (int n = 0; n < codes.length; n++) {
            int first = slot.get(codes[n]); // a code asked for twice gets the same window twice
            int size = channels * side * side;
            for (int k = 0; k < size; k++) {
                means[n * size + k] = counts[first] == 0 ? fill : (float) (sums[first * size + k] / counts[first]);
            }
        }
        return images.getManager().create(means, new Shape(codes.length, channels, side, side));
    }

    private static void checkCode(long code, long vocabulary, String what) {
        Checks.require(code >= 0 && code < vocabulary, "%s must be a token id in [0, %d), got %d", what, vocabulary, code);
    }
}
