package org.tokenlab.data;

/**
 * A set of 28x28 grey digits with labels and a fixed train/test split: what {@link MovingMnist}
 * draws its digits from. {@link Mnist} is one; a test can pass a handful of hand-made digits.
 *
 * <pre>{@code
 * jshell> DigitSet digits = mnist;
 * jshell> int ink = digits.pixel(digits.indices(Split.TEST)[0], 14, 14);   // 0 .. 255
 * }</pre>
 */
public interface DigitSet {

    /** Side of every digit, in pixels. */
    int SIDE = 28;

    /** Number of digits. */
    int size();

    /** The class (0..9) of digit {@code index}. */
    int label(int index);

    /** The pixel (0 = background .. 255 = ink) at {@code (row, col)} of digit {@code index}, rows and cols in 0..27. */
    int pixel(int index, int row, int col);

    /** The digits of one split of the set's fixed split, ascending. */
    int[] indices(Split split);
}
