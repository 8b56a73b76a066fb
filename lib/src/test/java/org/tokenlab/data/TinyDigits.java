package org.tokenlab.data;

/**
 * A hand-made {@link DigitSet} for tests: {@code count} digits, digit i labelled {@code i % 10},
 * its pixels given by a rule, split with the library's rule ({@link Split}, seed 42).
 */
final class TinyDigits implements DigitSet {

    /** The pixel of digit {@code index} at {@code (row, col)}. */
    interface Rule {
        int pixel(int index, int row, int col);
    }

    private final int count;
    private final Rule rule;

    TinyDigits(int count, Rule rule) {
        this.count = count;
        this.rule = rule;
    }

    /** Twenty digits whose pixel (0, 0) is their index + 1 and the rest a pattern that differs per digit. */
    static TinyDigits twenty() {
        return new TinyDigits(20, (i, r, c) -> r == 0 && c == 0 ? i + 1 : (i * 7 + r * 3 + c) % 256);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int label(int index) {
        return index % 10;
    }

    @Override
    public int pixel(int index, int row, int col) {
        return rule.pixel(index, row, col);
    }

    @Override
    public int[] indices(Split split) {
        return split.indices(count, Split.SEED);
    }
}
