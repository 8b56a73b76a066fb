package org.tokenlab.data;

import org.tokenlab.internal.Checks;

/**
 * Where one digit of a {@link MovingMnist} clip is in each frame: the pixel row and column of its
 * 28x28 box's top-left corner, {@code tops[t]} and {@code lefts[t]} for frames {@code t = 0 .. T-1},
 * each in {@code 0 .. range} where {@code range = frameSide - 28}.
 *
 * <p>The motion is that of Srivastava et al. 2015 (arXiv 1502.04681, their {@code
 * GetRandomTrajectory}): a position moving with constant velocity; after each step a coordinate
 * that reached or passed a border is put back on that border and its velocity component changes
 * sign, so the digit touches the border in that frame and moves away in the next. The pixel
 * position is the continuous position rounded down. Unlike the original, frame 0 is the start
 * position itself (the original steps once before its first frame).
 *
 * <p>A record over arrays: {@code equals} compares the arrays by reference; compare the
 * components with {@link java.util.Arrays#equals(int[], int[])}.
 *
 * <pre>{@code
 * jshell> Trajectory.bouncing(0, 0, 0, 1.5, 6, 2).lefts()
 * $1 ==> int[6] { 0, 1, 2, 0, 0, 1 }
 * }</pre>
 *
 * @param tops the row of the digit's top edge per frame, length T
 * @param lefts the column of the digit's left edge per frame, length T
 */
public record Trajectory(int[] tops, int[] lefts) {

    /** Checks that both arrays are there and have the same length of at least 1. */
    public Trajectory {
        Checks.notNull(tops, "tops");
        Checks.notNull(lefts, "lefts");
        Checks.require(tops.length >= 1 && tops.length == lefts.length,
                "Trajectory expects tops and lefts of the same length (the frames), at least 1, got %d and %d",
                tops.length, lefts.length);
    }

    /**
     * The bouncing path from {@code (top, left)} with velocity {@code (down, right)} pixels per frame,
     * over {@code frames} frames, inside {@code 0 .. range} on both axes.
     */
    public static Trajectory bouncing(double top, double left, double down, double right, int frames, int range) {
        Checks.positive(frames, "frames");
        Checks.require(range >= 0, "Trajectory expects a range (frame side - 28) of at least 0, got %d", range);
        return new Trajectory(axis(top, down, frames, range), axis(left, right, frames, range));
    }

    /** Number of frames. */
    public int frames() {
        return tops.length;
    }

    /** One coordinate of the path: record, step, and bounce off 0 and {@code range}. */
    private static int[] axis(double position, double velocity, int frames, int range) {
        Checks.require(Double.isFinite(position) && position >= 0 && position <= range && Double.isFinite(velocity),
                "Trajectory expects a start in 0..%d and a finite velocity, got start %s and velocity %s",
                range, position, velocity);
        int[] path = new int[frames];
        for (int t = 0; t < frames; t++) {
            path[t] = (int) Math.floor(position);
            position += velocity;
            if (position <= 0) {
                position = 0;
                velocity = Math.abs(velocity);
            }
            if (position >= range) {
                position = range;
                velocity = -Math.abs(velocity);
            }
        }
        return path;
    }
}
