package org.tokenlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * Moving MNIST videos generated on the fly from a seed: digits of a {@link DigitSet} (such as
 * {@link Mnist}) bouncing inside a square frame, after Srivastava, Mansimov and Salakhutdinov,
 * "Unsupervised Learning of Video Representations using LSTMs", ICML 2015 (arXiv 1502.04681).
 *
 * <p>Clip {@code i} of a split is drawn on its own from {@code new java.util.Random(s)}, where
 * {@code s} mixes (seed, split, i) with SplitMix64's finalizer, so any clip can be made without the
 * others and the same seed gives bit-identical clips on any JVM. For each digit in order it draws:
 * the digit, uniformly from the split's digits ({@link DigitSet#indices}: test clips hold only
 * held-out digits); the start top and left, uniform in {@code [0, side - 28]}; the direction,
 * uniform in {@code [0, 2 pi)}; the speed, uniform in the speed range. The paths bounce as
 * {@link Trajectory} says and overlapping digits combine by maximum ({@link MovingMnistClip}).
 * Defaults follow the paper: 2 digits (required, so say it), 20 frames of 64x64, speed 3.6 pixels
 * per frame (the original's step of 0.1 on the 36-pixel range of positions).
 *
 * <pre>{@code
 * jshell> var moving = MovingMnist.builder().setDigits(mnist).setDigitsPerClip(2).optSeed(7).build();
 * jshell> NDArray videos = moving.videos(manager, Split.TRAIN, 0, 8);   // (8, 1, 20, 64, 64) in [-1, 1]
 * jshell> NDArray classes = moving.labels(manager, Split.TRAIN, 0, 8);  // (8, 2) int64
 * jshell> int[] tops = moving.clip(Split.TRAIN, 0).trajectories().get(0).tops();
 * }</pre>
 */
public final class MovingMnist {

    private final DigitSet digits;
    private final int digitsPerClip;
    private final int frames;
    private final int frameSide;
    private final long seed;
    private final double minSpeed;
    private final double maxSpeed;
    private final int trainClips;
    private final int testClips;
    private final int[][] pools; // per split, the digits clips of that split draw from

    private MovingMnist(Builder b) {
        digits = b.digits;
        digitsPerClip = b.digitsPerClip;
        frames = b.frames;
        frameSide = b.frameSide;
        seed = b.seed;
        minSpeed = b.minSpeed;
        maxSpeed = b.maxSpeed;
        trainClips = b.trainClips;
        testClips = b.testClips;
        pools = new int[][] {digits.indices(Split.TRAIN), digits.indices(Split.TEST)};
        for (Split split : Split.values()) {
            Checks.require(pools[split.ordinal()].length > 0, "MovingMnist needs digits in the %s split of its "
                    + "digit set, got none (%d digits in all); pass a larger digit set", split, digits.size());
        }
    }

    /** A builder: set the digits and the digits per clip; the rest has the paper's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The clip's plan: digits, labels and paths of clip {@code index} of {@code split}. */
    public MovingMnistClip clip(Split split, int index) {
        checkRange(split, index, 1);
        Random random = new Random(clipSeed(seed, split, index));
        int[] pool = pools[split.ordinal()];
        int range = frameSide - DigitSet.SIDE;
        int[] chosen = new int[digitsPerClip];
        int[] labels = new int[digitsPerClip];
        List<Trajectory> paths = new ArrayList<>();
        for (int d = 0; d < digitsPerClip; d++) {
            chosen[d] = pool[random.nextInt(pool.length)];
            labels[d] = digits.label(chosen[d]);
            double top = random.nextDouble() * range;
            double left = random.nextDouble() * range;
            double angle = random.nextDouble() * 2 * Math.PI;
            double speed = minSpeed + random.nextDouble() * (maxSpeed - minSpeed);
            paths.add(Trajectory.bouncing(top, left, speed * Math.sin(angle), speed * Math.cos(angle), frames, range));
        }
        return new MovingMnistClip(chosen, labels, paths);
    }

    /**
     * Clips {@code from .. from+count-1} of {@code split} as {@code (count, 1, T, side, side)} float32
     * in [-1, 1]: intensity p maps to p / 127.5 - 1, background -1. The array belongs to {@code manager}.
     */
    public NDArray videos(NDManager manager, Split split, int from, int count) {
        Checks.notNull(manager, "manager");
        checkRange(split, from, count);
        int size = frames * frameSide * frameSide;
        float[] values = new float[count * size];
        for (int b = 0; b < count; b++) {
            write(clip(split, from + b), values, b * size);
        }
        return manager.create(values, new Shape(count, 1, frames, frameSide, frameSide));
    }

    /** The labels of clips {@code from .. from+count-1} as {@code (count, digitsPerClip)} int64, owned by {@code manager}. */
    public NDArray labels(NDManager manager, Split split, int from, int count) {
        Checks.notNull(manager, "manager");
        checkRange(split, from, count);
        long[] values = new long[count * digitsPerClip];
        for (int b = 0; b < count; b++) {
            int[] labels = clip(split, from + b).labels();
            for (int d = 0; d < digitsPerClip; d++) {
                values[b * digitsPerClip + d] = labels[d];
            }
        }
        return manager.create(values, new Shape(count, digitsPerClip));
    }

    /** Writes a clip as {@code (T, side, side)} floats in [-1, 1] into {@code out[offset ..]}. */
    void write(MovingMnistClip clip, float[] out, int offset) {
        int[] intensities = clip.intensities(digits, frameSide);
        for (int i = 0; i < intensities.length; i++) {
            out[offset + i] = intensities[i] / 127.5f - 1f;
        }
    }

    /** Number of clips in {@code split}. */
    public int clipCount(Split split) {
        return Checks.notNull(split, "split") == Split.TRAIN ? trainClips : testClips;
    }

    /** The digits the clips are made of. */
    public DigitSet digits() {
        return digits;
    }

    /** Digits in each clip. */
    public int digitsPerClip() {
        return digitsPerClip;
    }

    /** Frames per clip, T. */
    public int frames() {
        return frames;
    }

    /** Side of each square frame, in pixels. */
    public int frameSide() {
        return frameSide;
    }

    /** The seed all clips derive from. */
    public long seed() {
        return seed;
    }

    private void checkRange(Split split, int from, int count) {
        int clips = clipCount(split);
        Checks.require(count >= 1 && from >= 0 && (long) from + count <= clips,
                "MovingMnist %s has clips 0..%d, asked for %d clip(s) from %d; ask within the split or raise "
                        + "optClips(train, test)", split, clips - 1, count, from);
    }

    /** SplitMix64's finalizer applied to seed, then split, then index: one well-mixed seed per clip. */
    static long clipSeed(long seed, Split split, int index) {
        return mix(mix(mix(seed) + split.ordinal()) + index);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return String.format("MovingMnist(%d digit(s) x %d frames of %dx%d, speed %s..%s, seed %d, %d train + %d test clips)",
                digitsPerClip, frames, frameSide, frameSide, minSpeed, maxSpeed, seed, trainClips, testClips);
    }

    /** DJL-style builder: {@code setX} required, {@code optX} optional, all checked in {@link #build()}. */
    public static final class Builder {

        private DigitSet digits;
        private int digitsPerClip;
        private int frames = 20;
        private int frameSide = 64;
        private long seed = Split.SEED;
        private double minSpeed = 3.6;
        private double maxSpeed = 3.6;
        private int trainClips = 10_000;
        private int testClips = 1_000;

        private Builder() {}

        /** The digits to move, such as a loaded {@link Mnist}. */
        public Builder setDigits(DigitSet digits) {
            this.digits = digits;
            return this;
        }

        /** Digits in each clip, at least 1; the paper's data set has 2. */
        public Builder setDigitsPerClip(int digitsPerClip) {
            this.digitsPerClip = digitsPerClip;
            return this;
        }

        /** Frames per clip T, at least 1; 20 by default (the paper's 10 input + 10 future frames). */
        public Builder optFrames(int frames) {
            this.frames = frames;
            return this;
        }

        /** Side of the square frame, at least 28 (one digit); 64 by default. */
        public Builder optFrameSide(int frameSide) {
            this.frameSide = frameSide;
            return this;
        }

        /** The seed all clips derive from; {@link Split#SEED} (42) by default. Any long. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Each digit's speed in pixels per frame, uniform in {@code [min, max]}; 3.6 (fixed) by default. */
        public Builder optSpeed(double min, double max) {
            this.minSpeed = min;
            this.maxSpeed = max;
            return this;
        }

        /** Clips per split; 10,000 train and 1,000 test by default (any number: they are made on demand). */
        public Builder optClips(int train, int test) {
            this.trainClips = train;
            this.testClips = test;
            return this;
        }

        /** Checks every setting and builds the generator. */
        public MovingMnist build() {
            Checks.require(digits != null, "MovingMnist needs its digits: call setDigits(Mnist.load()) on the builder");
            Checks.require(digitsPerClip >= 1, "MovingMnist expects at least 1 digit per clip, got %d; call "
                    + "setDigitsPerClip(2) for the paper's two digits", digitsPerClip);
            Checks.require(frames >= 1, "MovingMnist expects at least 1 frame per clip, got %d; "
                    + "optFrames(20) is the paper's length", frames);
            Checks.require(frameSide >= DigitSet.SIDE, "MovingMnist expects a frame side of at least %d (one digit), "
                    + "got %d; optFrameSide(64) is the paper's", DigitSet.SIDE, frameSide);
            Checks.require(Double.isFinite(minSpeed) && minSpeed >= 0 && Double.isFinite(maxSpeed) && maxSpeed >= minSpeed,
                    "MovingMnist expects a speed range 0 <= min <= max (pixels per frame), got [%s, %s]; "
                            + "optSpeed(3.6, 3.6) is the paper's", minSpeed, maxSpeed);
            Checks.require(trainClips >= 1 && testClips >= 1, "MovingMnist expects at least 1 clip per split, got "
                    + "%d train and %d test; pass positive counts to optClips(train, test)", trainClips, testClips);
            return new MovingMnist(this);
        }
    }
}
