package org.tokenlab.data;

import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * One Moving MNIST clip before it is drawn: which digits move, their labels, and their paths.
 * {@link MovingMnist#clip} makes them from a seed; {@link #intensities} draws one.
 *
 * <p>Overlap rule: where digits overlap, a pixel is the maximum of their intensities, as in the
 * original generator (Srivastava et al. 2015, whose {@code Overlap(a, b)} returns
 * {@code np.maximum(a, b)}); a sum clipped at 255 would thicken the strokes where they cross.
 * With the maximum the order of the digits does not matter.
 *
 * <pre>{@code
 * jshell> MovingMnistClip clip = new MovingMnistClip(new int[] {7}, new int[] {mnist.label(7)},
 *    ...>         List.of(Trajectory.bouncing(3, 5, 1.0, -2.0, 10, 36)));
 * jshell> int[] frames = clip.intensities(mnist, 64);   // (10, 64, 64) row-major, 0 .. 255
 * }</pre>
 *
 * @param digits the digits' indices in their {@link DigitSet}, in order
 * @param labels the digits' labels, in the same order
 * @param trajectories the digits' paths, in the same order, all of the same length T
 */
public record MovingMnistClip(int[] digits, int[] labels, List<Trajectory> trajectories) {

    /** Checks that there is at least one digit, one label and one path per digit, all paths of one length. */
    public MovingMnistClip {
        Checks.notNull(digits, "digits");
        Checks.notNull(labels, "labels");
        trajectories = List.copyOf(Checks.notNull(trajectories, "trajectories"));
        Checks.require(digits.length >= 1 && labels.length == digits.length && trajectories.size() == digits.length,
                "MovingMnistClip expects one label and one trajectory per digit, at least one digit; got %d digits, "
                        + "%d labels and %d trajectories", digits.length, labels.length, trajectories.size());
        for (Trajectory trajectory : trajectories) {
            Checks.require(trajectory.frames() == trajectories.get(0).frames(),
                    "MovingMnistClip expects trajectories of one length, got %d and %d frames",
                    trajectories.get(0).frames(), trajectory.frames());
        }
    }

    /** Number of frames T. */
    public int frames() {
        return trajectories.get(0).frames();
    }

    /**
     * The clip drawn on a black {@code side x side} canvas: {@code (T, side, side)} intensities 0..255,
     * row-major, each frame the pixel-wise maximum of its digits at their positions.
     */
    public int[] intensities(DigitSet digitSet, int side) {
        Checks.notNull(digitSet, "digitSet");
        int frames = frames();
        int plane = side * side;
        int[] canvas = new int[frames * plane];
        for (int d = 0; d < digits.length; d++) {
            int[] digit = pixels(digitSet, digits[d]);
            Trajectory path = trajectories.get(d);
            for (int t = 0; t < frames; t++) {
                int top = path.tops()[t];
                int left = path.lefts()[t];
                Checks.require(top >= 0 && left >= 0 && top + DigitSet.SIDE <= side && left + DigitSet.SIDE <= side,
                        "MovingMnistClip digit %d at (%d, %d) in frame %d does not fit a %dx%d frame; "
                                + "use a frame side of at least %d", d, top, left, t, side, side,
                        Math.max(top, left) + DigitSet.SIDE);
                for (int r = 0; r < DigitSet.SIDE; r++) {
                    int to = t * plane + (top + r) * side + left;
                    for (int c = 0; c < DigitSet.SIDE; c++) {
                        canvas[to + c] = Math.max(canvas[to + c], digit[r * DigitSet.SIDE + c]);
                    }
                }
            }
        }
        return canvas;
    }

    /** The 28x28 pixels of digit {@code index}, row-major. */
    private static int[] pixels(DigitSet digitSet, int index) {
        int[] pixels = new int[DigitSet.SIDE * DigitSet.SIDE];
        for (int r = 0; r < DigitSet.SIDE; r++) {
            for (int c = 0; c < DigitSet.SIDE; c++) {
                pixels[r * DigitSet.SIDE + c] = digitSet.pixel(index, r, c);
            }
        }
        return pixels;
    }
}
