package org.tokenlab.internal;

import java.util.Random;

/**
 * A {@link Random} whose state can be read and set, so that a training run saved in a checkpoint
 * draws the same numbers after it resumes. It runs {@code java.util.Random}'s own 48-bit linear
 * congruential generator, so a seed gives exactly the sequence {@code new Random(seed)} gives for
 * {@code nextInt}, {@code nextLong}, {@code nextDouble}, {@code nextBoolean} and {@code nextFloat}.
 * {@link #nextGaussian()} differs: {@code Random} caches the second value of each pair, a state this
 * class cannot save, so here each call draws a fresh pair and uses one value.
 */
public final class StatefulRandom extends Random {

    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    private long state;

    /** Seeded like {@code new Random(seed)}. */
    public StatefulRandom(long seed) {
        super(0); // Random's own state is never used: next(int) below replaces it
        setSeed(seed);
    }

    /** Seeded from the clock, like {@code new Random()}. */
    public StatefulRandom() {
        this(System.nanoTime() ^ 0x9E3779B97F4A7C15L);
    }

    @Override
    public synchronized void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
    }

    /** The generator's state: give it to {@link #setState} to continue from here. */
    public synchronized long state() {
        return state;
    }

    /**
     * Continues from a state read with {@link #state()}.
     *
     * @throws IllegalArgumentException for a value that is not a 48-bit state
     */
    public synchronized void setState(long state) {
        Checks.require(state >= 0 && state <= MASK, "a random state is a 48-bit value in [0, 2^48), got %d; "
                + "pass a value read with state()", state);
        this.state = state;
    }

    @Override
    protected synchronized int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    @Override
    public synchronized double nextGaussian() {
        double v1;
        double v2;
        double s;
        do { // Marsaglia's polar method, one value of the pair
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return v1 * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    }
}
