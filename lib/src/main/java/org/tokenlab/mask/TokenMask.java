package org.tokenlab.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * An immutable boolean mask over a latent token grid {@code (t, h, w)}: {@code true} where the token
 * is <b>given</b> (kept from the condition, not generated), {@code false} where the model generates
 * it. A task's condition mask is {@code true} on its condition region: frame prediction keeps the
 * first latent frame, central outpainting the central box. Masks combine with {@link #union},
 * {@link #intersection} and {@link #complement}; inpainting is the complement of a box.
 *
 * <p>{@link #toArray()} flattens the mask in {@code (t, h, w)} row-major order, the order of a
 * token sequence, so entry {@link GridShape#index(int, int, int) grid.index(t, y, x)} belongs to the
 * token at sequence position {@code (t * h + y) * w + x}. {@link #toString()} draws the mask with
 * {@code #} for a given token and {@code .} for a generated one, each latent frame a block of rows,
 * frames side by side.
 *
 * <pre>{@code
 * jshell> var grid = new GridShape(2, 4, 4);
 * jshell> var centre = TokenMask.box(grid, 0, 2, 1, 3, 1, 3);       // rows 1..2, columns 1..2 of both frames
 * jshell> centre.count()
 * $3 ==> 8
 * jshell> var firstFrame = TokenMask.frames(grid, 0, 1);
 * jshell> centre.union(firstFrame).complement().count()
 * $5 ==> 12
 * jshell> TokenMask.of(grid, (t, y, x) -> x <= y).get(1, 2, 3)
 * $6 ==> false
 * }</pre>
 */
public final class TokenMask {

    /** Whether the token at {@code (t, y, x)} is given; the argument of {@link #of(GridShape, Cells)}. */
    @FunctionalInterface
    public interface Cells {
        /** True when the token at latent frame {@code t}, row {@code y}, column {@code x} is given. */
        boolean given(int t, int y, int x);
    }

    private final GridShape shape;
    private final boolean[] given;   // (t, h, w) row-major

    private TokenMask(GridShape shape, boolean[] given) {
        this.shape = shape;
        this.given = given;
    }

    /** Every token given: nothing to generate. */
    public static TokenMask all(GridShape shape) {
        Checks.notNull(shape, "shape");
        boolean[] g = new boolean[shape.size()];
        Arrays.fill(g, true);
        return new TokenMask(shape, g);
    }

    /** No token given: generate everything (unconditional or class-conditional generation). */
    public static TokenMask none(GridShape shape) {
        Checks.notNull(shape, "shape");
        return new TokenMask(shape, new boolean[shape.size()]);
    }

    /** The mask whose token {@code (t, y, x)} is given when {@code cells.given(t, y, x)}. */
    public static TokenMask of(GridShape shape, Cells cells) {
        Checks.notNull(shape, "shape");
        Checks.notNull(cells, "cells");
        boolean[] g = new boolean[shape.size()];
        int i = 0;
        for (int t = 0; t < shape.frames(); t++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    g[i++] = cells.given(t, y, x);
                }
            }
        }
        return new TokenMask(shape, g);
    }

    /**
     * The mask of a flattened array in {@code (t, h, w)} row-major order ({@code true} = given), as
     * {@link #toArray()} returns it. The array is copied.
     *
     * @throws IllegalArgumentException when the array's length is not {@code shape.size()}
     */
    public static TokenMask of(GridShape shape, boolean[] given) {
        Checks.notNull(shape, "shape");
        Checks.notNull(given, "given");
        Checks.require(given.length == shape.size(), "TokenMask.of expects %d flags for the grid %s (t * h * w in (t, h, w) "
                + "row-major order), got %d; build the array for this grid", shape.size(), shape, given.length);
        return new TokenMask(shape, given.clone());
    }

    /**
     * The tokens in latent frames {@code t0 .. t1 - 1}, rows {@code y0 .. y1 - 1} and columns
     * {@code x0 .. x1 - 1} (half-open ranges, as in slicing); an empty range gives an empty mask.
     *
     * @throws IllegalArgumentException when a range is reversed or reaches outside the grid
     */
    public static TokenMask box(GridShape shape, int t0, int t1, int y0, int y1, int x0, int x1) {
        Checks.notNull(shape, "shape");
        checkRange("frames", t0, t1, shape.frames(), shape);
        checkRange("rows", y0, y1, shape.height(), shape);
        checkRange("columns", x0, x1, shape.width(), shape);
        return of(shape, (t, y, x) -> t >= t0 && t < t1 && y >= y0 && y < y1 && x >= x0 && x < x1);
    }

    /** Every token of latent frames {@code t0 .. t1 - 1} (a half-open range). */
    public static TokenMask frames(GridShape shape, int t0, int t1) {
        Checks.notNull(shape, "shape");
        return box(shape, t0, t1, 0, shape.height(), 0, shape.width());
    }

    /**
     * A {@code boxHeight} x {@code boxWidth} box whose top-left corner moves linearly from
     * {@code (yStart, xStart)} in the first latent frame to {@code (yEnd, xEnd)} in the last:
     * in frame {@code t} of {@code T} it is at {@code round(start + (end - start) * t / (T - 1))},
     * rounding halves to even as {@code jnp.round} does (MAGVIT's dynamic tasks place their window
     * with {@code round(linspace(start, end, T))}). With one frame the box is at the start. The parts
     * of the box outside the grid are left out.
     *
     * @throws IllegalArgumentException when a box size is negative
     */
    public static TokenMask movingBox(GridShape shape, int boxHeight, int boxWidth, int yStart, int xStart, int yEnd, int xEnd) {
        Checks.notNull(shape, "shape");
        Checks.require(boxHeight >= 0 && boxWidth >= 0, "TokenMask.movingBox expects box sizes of at least 0 (0 gives an empty mask), got %dx%d",
                boxHeight, boxWidth);
        int frames = shape.frames();
        int[] top = new int[frames];
        int[] left = new int[frames];
        for (int t = 0; t < frames; t++) {
            double f = frames == 1 ? 0 : (double) t / (frames - 1);
            top[t] = (int) Math.rint(yStart + (yEnd - yStart) * f);
            left[t] = (int) Math.rint(xStart + (xEnd - xStart) * f);
        }
        return of(shape, (t, y, x) -> y >= top[t] && y < top[t] + boxHeight && x >= left[t] && x < left[t] + boxWidth);
    }

    /**
     * The union of {@code count} boxes of {@code block} tokens, each at a position drawn uniformly
     * among those where it fits inside the grid; boxes may overlap. The same seed gives the same mask.
     *
     * @throws IllegalArgumentException when {@code count} is negative or the block is larger than the grid
     */
    public static TokenMask randomBlocks(GridShape shape, int count, GridShape block, long seed) {
        Checks.notNull(shape, "shape");
        Checks.notNull(block, "block");
        Checks.require(count >= 0, "TokenMask.randomBlocks expects a count of at least 0 blocks, got %d", count);
        Checks.require(block.frames() <= shape.frames() && block.height() <= shape.height() && block.width() <= shape.width(),
                "TokenMask.randomBlocks expects a block that fits in the grid %s, got a block %s; use a smaller block",
                shape, block);
        Random random = new Random(seed);
        boolean[] g = new boolean[shape.size()];
        for (int k = 0; k < count; k++) {
            int t0 = random.nextInt(shape.frames() - block.frames() + 1);
            int y0 = random.nextInt(shape.height() - block.height() + 1);
            int x0 = random.nextInt(shape.width() - block.width() + 1);
            for (int t = t0; t < t0 + block.frames(); t++) {
                for (int y = y0; y < y0 + block.height(); y++) {
                    for (int x = x0; x < x0 + block.width(); x++) {
                        g[shape.index(t, y, x)] = true;
                    }
                }
            }
        }
        return new TokenMask(shape, g);
    }

    /**
     * The mask held by a boolean array {@code (t, h, w)}, or {@code (h, w)} for an image's grid of one
     * frame, {@code true} = given.
     *
     * @throws IllegalArgumentException for another rank or data type, or an empty axis
     */
    public static TokenMask fromNDArray(NDArray mask) {
        Checks.rank(mask, "TokenMask.fromNDArray mask (t, h, w) or (h, w)", 2, 3);
        Shape s = mask.getShape();
        Checks.require(mask.getDataType() == DataType.BOOLEAN, "TokenMask.fromNDArray expects a boolean array, got %s %s; "
                + "turn 0/1 numbers into flags with mask.gt(0)", mask.getDataType(), Checks.describe(s));
        Checks.require(s.size() > 0, "TokenMask.fromNDArray expects a non-empty mask, got shape %s", Checks.describe(s));
        GridShape shape = s.dimension() == 2
                ? GridShape.image((int) s.get(0), (int) s.get(1))
                : new GridShape((int) s.get(0), (int) s.get(1), (int) s.get(2));
        return new TokenMask(shape, mask.toBooleanArray());
    }

    /** The grid this mask covers. */
    public GridShape shape() {
        return shape;
    }

    /** Whether the token at latent frame {@code t}, row {@code y}, column {@code x} is given. */
    public boolean get(int t, int y, int x) {
        return given[shape.index(t, y, x)];
    }

    /** The number of given tokens. */
    public int count() {
        int n = 0;
        for (boolean b : given) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Given where this mask or {@code other} gives the token. */
    public TokenMask union(TokenMask other) {
        boolean[] o = sameGrid(other, "union");
        boolean[] g = new boolean[given.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = given[i] || o[i];
        }
        return new TokenMask(shape, g);
    }

    /** Given where both this mask and {@code other} give the token. */
    public TokenMask intersection(TokenMask other) {
        boolean[] o = sameGrid(other, "intersection");
        boolean[] g = new boolean[given.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = given[i] && o[i];
        }
        return new TokenMask(shape, g);
    }

    /** Given exactly where this mask generates: outpainting's region turned into inpainting's. */
    public TokenMask complement() {
        boolean[] g = new boolean[given.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = !given[i];
        }
        return new TokenMask(shape, g);
    }

    /** The flags in {@code (t, h, w)} row-major order, the order of the grid's token sequence; a copy. */
    public boolean[] toArray() {
        return given.clone();
    }

    /** The mask as a boolean array {@code (t, h, w)}, owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        Checks.notNull(manager, "manager");
        return manager.create(given, new Shape(shape.frames(), shape.height(), shape.width()));
    }

    /**
     * Fails unless this mask covers {@code grid}; {@code who} names the caller in the message.
     *
     * @throws IllegalArgumentException for a mask of another grid
     */
    TokenMask requireGrid(GridShape grid, String who) {
        Checks.require(shape.equals(grid), "%s expects a mask of the grid (t, h, w) = %s, got a mask of %s; "
                + "build the mask for this grid (e.g. task.conditionMask(grid))", who, grid, shape);
        return this;
    }

    private boolean[] sameGrid(TokenMask other, String operation) {
        Checks.notNull(other, "other mask");
        Checks.require(shape.equals(other.shape), "TokenMask.%s expects two masks of the same grid, got %s and %s",
                operation, shape, other.shape);
        return other.given;
    }

    private static void checkRange(String axis, int from, int to, int size, GridShape shape) {
        Checks.require(from >= 0 && from <= to && to <= size, "TokenMask.box expects %s as a half-open range within "
                + "0..%d of the grid %s, got %d..%d; ranges are [from, to) with from <= to", axis, size, shape, from, to);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenMask m && shape.equals(m.shape) && Arrays.equals(given, m.given);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(given);
    }

    /**
     * The grid size, the count, then one line per grid row with every frame's row side by side,
     * {@code #} given and {@code .} generated: the first frame of {@code frames(grid, 0, 1)} on a
     * {@code (2, 2, 3)} grid reads {@code "### ..."} on both lines.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TokenMask ").append(shape).append(", ")
                .append(count()).append(" of ").append(given.length).append(" given");
        for (int y = 0; y < shape.height(); y++) {
            sb.append('\n');
            for (int t = 0; t < shape.frames(); t++) {
                if (t > 0) {
                    sb.append(' ');
                }
                for (int x = 0; x < shape.width(); x++) {
                    sb.append(get(t, y, x) ? '#' : '.');
                }
            }
        }
        return sb.toString();
    }
}
