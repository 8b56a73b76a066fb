package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * Pads the spatial axes of images {@code (B, C, H, W)} or videos {@code (B, C, T, H, W)} with a
 * {@link PaddingMode}: zeros, reflection or replication, by its own amount before and after each axis
 * (a causal time axis pads only before). DJL's PyTorch {@code NDArray.pad} pads with a constant only,
 * and its engine (0.36) exposes no reflection or replication pad, so {@link PaddingMode#REFLECT} and
 * {@link PaddingMode#REPLICATE} build each padded axis from views of the input: the axis is split
 * into its head, middle and tail, the padding is cut from the head and the tail (flipped for
 * reflection, repeated for replication) and everything is concatenated. That is one copy per padded
 * axis forward, and one backward: the split's gradient is the concatenation of its pieces'
 * gradients, and autograd adds the gradient of every copy of an element into it.
 *
 * <p>Why split first: the gradient of a slice taken straight from the input is an array of the
 * input's full size (zeros around the slice), one per slice; slices of the small head and tail have
 * small gradients. Gathering each axis with an index array ({@code x.get(":, :, {}", indices)}, this
 * class's first form) copies as much forward, but its backward is an indexed accumulation. Videos
 * {@code (4, 32, 8, 32, 32)} reflected by 1 on every axis, forward + backward with a multiply-and-sum
 * loss (1.5 ms alone), 1 thread: 8.2 and 9.3 ms split and concatenated (two runs), 15.8 and 16.9 ms
 * gathered, 34 and 82 ms sliced straight from the input. Padding the last axis first, while the array
 * is smallest, saved about a fifth. A training step of a small 3D VQGAN encoder and decoder took 5 to
 * 10% longer reflect-padded than zero-padded: besides these copies, a convolution of the padded input
 * computes its input gradient over the larger array (see docs/BENCHMARKS.md).
 *
 * <p>Amounts are given in spatial order, before then after for each axis:
 * {@code (hBefore, hAfter, wBefore, wAfter)} or {@code (tBefore, tAfter, hBefore, hAfter, wBefore, wAfter)}.
 * This is not the order of torch's {@code F.pad}, which starts at the last axis. The result belongs
 * to the input's manager.
 *
 * <pre>{@code
 * jshell> var image = manager.arange(0f, 16f, 1f).reshape(1, 1, 4, 4);
 * jshell> Padding.pad(image, PaddingMode.REFLECT, 1, 1, 2, 2)          // (1, 1, 6, 8); row 0 is [6 5 4 5 6 7 6 5]
 * jshell> var causal = Padding.builder().setMode(PaddingMode.REPLICATE).setAmounts(2, 0, 1, 1, 1, 1).build();
 * jshell> causal.getOutputShapes(new Shape[] {new Shape(2, 8, 5, 16, 16)})[0]   // (2, 8, 7, 18, 18)
 * }</pre>
 */
public final class Padding extends AbstractBlock {

    private final PaddingMode mode;
    private final int[] amounts;

    private Padding(PaddingMode mode, int[] amounts) {
        this.mode = mode;
        this.amounts = amounts;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code x} {@code (B, C, H, W)} or {@code (B, C, T, H, W)} padded with {@code mode} by
     * {@code amounts}, before and after each spatial axis in order (4 or 6 numbers); each axis grows by
     * its two amounts. A new array on {@code x}'s manager; {@code x} is not changed.
     *
     * @throws IllegalArgumentException for another rank, a wrong count of amounts, a negative amount,
     *     or a reflection pad not smaller than its axis
     */
    public static NDArray pad(NDArray x, PaddingMode mode, int... amounts) {
        Checks.notNull(mode, "mode");
        Checks.notNull(amounts, "amounts");
        SpatialRank rank = rankOf(x);
        checkAmounts(amounts, rank);
        if (mode == PaddingMode.ZEROS || Arrays.stream(amounts).allMatch(a -> a == 0)) {
            return x.pad(torchOrder(amounts), 0);
        }
        for (int axis = 0; axis < rank.axes(); axis++) {
            checkFits(x, rank, axis, amounts[2 * axis], amounts[2 * axis + 1], mode);
        }
        NDArray out = x;
        for (int axis = rank.axes() - 1; axis >= 0; axis--) {   // the last axis first, while the array is smallest
            int before = amounts[2 * axis];
            int after = amounts[2 * axis + 1];
            if (before == 0 && after == 0) {
                continue;
            }
            NDArray next = concatenate(out, 2 + axis, before, after, mode);
            if (out != x) {
                out.close(); // the graph keeps what backward needs
            }
            out = next;
        }
        return out;
    }

    /** {@code x} padded by {@code amount} before and after every spatial axis; see {@link #pad}. */
    public static NDArray uniform(NDArray x, PaddingMode mode, int amount) {
        int[] amounts = new int[2 * rankOf(x).axes()];
        Arrays.fill(amounts, amount);
        return pad(x, mode, amounts);
    }

    public PaddingMode mode() {
        return mode;
    }

    /** The amounts, before and after each spatial axis in order (a copy). */
    public int[] amounts() {
        return amounts.clone();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(pad(inputs.singletonOrThrow(), mode, amounts));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] s = inputShapes[0].getShape().clone();
        Checks.require(s.length - 2 == amounts.length / 2, "Padding with %d amounts pads %s, got input shape %s; give "
                + "4 amounts for images, 6 for videos", amounts.length, SpatialRank.of(amounts.length / 2).layout(),
                Checks.describe(inputShapes[0]));
        for (int axis = 0; axis < amounts.length / 2; axis++) {
            s[2 + axis] += amounts[2 * axis] + amounts[2 * axis + 1];
        }
        return new Shape[] {new Shape(s)};
    }

    /**
     * One axis padded by concatenation. The axis is split into a head (the first slice and the
     * {@code before} slices reflection copies, or just the first slice for replication), a middle and a
     * tail (likewise at the end); the padding is cut from the head and the tail, flipped or repeated,
     * and the pieces are concatenated in order. {@code [a b c d e f]} reflected by 2 on each side:
     * head {@code [a b c]}, middle {@code []}, tail {@code [d e f]}, result
     * {@code [c b | a b c | d e f | e d]}. Where head and tail would overlap (a short axis) the
     * padding is cut from the whole axis instead.
     */
    private static NDArray concatenate(NDArray x, int axis, int before, int after, PaddingMode mode) {
        long size = x.getShape().get(axis);
        long head = before == 0 ? 0 : mode == PaddingMode.REFLECT ? before + 1 : 1;
        long tail = after == 0 ? 0 : mode == PaddingMode.REFLECT ? after + 1 : 1;
        NDList pieces = head + tail <= size ? x.split(new long[] {head, size - tail}, axis) : null;
        NDList parts = new NDList(5);
        if (before > 0) {
            NDArray first = pieces == null ? x : pieces.get(0);
            parts.add(mode == PaddingMode.REFLECT ? mirrored(first, axis, 1, before) : repeated(first, axis, 0, before));
        }
        if (pieces == null) {
            parts.add(x);
        } else {
            pieces.stream().filter(piece -> piece.getShape().get(axis) > 0).forEach(parts::add);
        }
        if (after > 0) {
            NDArray last = pieces == null ? x : pieces.get(2);
            long end = last.getShape().get(axis);
            parts.add(mode == PaddingMode.REFLECT ? mirrored(last, axis, end - 1 - after, after)
                    : repeated(last, axis, end - 1, after));
        }
        NDArray out = NDArrays.concat(parts, axis);
        for (NDArray part : parts) {
            if (part != x) {
                part.close(); // views and copies: the graph keeps what backward needs
            }
        }
        if (pieces != null) {
            pieces.close();
        }
        return out;
    }

    /** Slices {@code [from, from + count)} of {@code x} along {@code axis} in reverse order (a single slice needs no flip). */
    private static NDArray mirrored(NDArray x, int axis, long from, int count) {
        NDArray slices = x.get(new NDIndex().addAllDim(axis).addSliceDim(from, from + count));
        if (count == 1) {
            return slices;
        }
        try (slices) {
            return slices.flip(axis);
        }
    }

    /** Slice {@code at} of {@code x} along {@code axis}, {@code count} times. */
    private static NDArray repeated(NDArray x, int axis, long at, int count) {
        NDArray slice = x.get(new NDIndex().addAllDim(axis).addSliceDim(at, at + 1));
        if (count == 1) {
            return slice;
        }
        try (slice) {
            return slice.repeat(axis, count);
        }
    }

    /** Fails unless {@code mode} can pad spatial axis {@code spatialAxis} of {@code x} by these amounts. */
    private static void checkFits(NDArray x, SpatialRank rank, int spatialAxis, int before, int after, PaddingMode mode) {
        long size = x.getShape().get(2 + spatialAxis);
        long largest = mode.largestPad(size);
        Checks.require(before <= largest && after <= largest, "Padding with %s mirrors an axis without repeating its "
                        + "edge, so it needs pads smaller than the axis: axis %s of %s %s has size %d, got before %d and "
                        + "after %d (at most %d allowed); pad less, use PaddingMode.REPLICATE, or make the input larger",
                mode, axisName(rank, spatialAxis), rank.inputs(), Checks.describe(x.getShape()), size, before, after, largest);
    }

    private static SpatialRank rankOf(NDArray x) {
        Checks.notNull(x, "x");
        int dims = x.getShape().dimension();
        Checks.require(dims == 4 || dims == 5, "Padding expects images (B, C, H, W) or videos (B, C, T, H, W), got "
                + "shape %s; add the missing batch or channel axis (expandDims(0))", Checks.describe(x.getShape()));
        return SpatialRank.of(dims - 2);
    }

    private static void checkAmounts(int[] amounts, SpatialRank rank) {
        Checks.require(amounts.length == 2 * rank.axes(), "Padding of %s %s needs %d amounts, before and after each "
                        + "spatial axis in order (%s), got %d %s", rank.inputs(), rank.layout(), 2 * rank.axes(),
                rank == SpatialRank.TWO ? "hBefore, hAfter, wBefore, wAfter" : "tBefore, tAfter, hBefore, hAfter, wBefore, wAfter",
                amounts.length, Arrays.toString(amounts));
        Checks.require(Arrays.stream(amounts).allMatch(a -> a >= 0), "Padding amounts must be 0 or more, got %s",
                Arrays.toString(amounts));
    }

    /** The amounts as torch's {@code F.pad} (and DJL's {@code NDArray.pad}) take them: last axis first. */
    private static Shape torchOrder(int[] amounts) {
        long[] out = new long[amounts.length];
        for (int axis = 0; axis < amounts.length / 2; axis++) {
            int from = amounts.length - 2 - 2 * axis;
            out[2 * axis] = amounts[from];
            out[2 * axis + 1] = amounts[from + 1];
        }
        return new Shape(out);
    }

    private static String axisName(SpatialRank rank, int spatialAxis) {
        return (rank == SpatialRank.TWO ? "HW" : "THW").substring(spatialAxis, spatialAxis + 1);
    }

    /** Builder: {@code setMode} and the amounts ({@code setAmounts} or {@code setUniformAmount}) are required. */
    public static final class Builder {
        private PaddingMode mode;
        private int[] amounts;

        public Builder setMode(PaddingMode mode) {
            this.mode = mode;
            return this;
        }

        /** Before and after each spatial axis in order: 4 numbers for images, 6 for videos. */
        public Builder setAmounts(int... amounts) {
            this.amounts = amounts == null ? null : amounts.clone();
            return this;
        }

        /** {@code amount} before and after every spatial axis of {@code rank}. */
        public Builder setUniformAmount(SpatialRank rank, int amount) {
            Checks.notNull(rank, "rank");
            this.amounts = new int[2 * rank.axes()];
            Arrays.fill(amounts, amount);
            return this;
        }

        public Padding build() {
            Checks.require(mode != null, "Padding needs setMode(PaddingMode.REFLECT, REPLICATE or ZEROS)");
            Checks.require(amounts != null && (amounts.length == 4 || amounts.length == 6), "Padding needs setAmounts "
                    + "with 4 numbers for images (hBefore, hAfter, wBefore, wAfter) or 6 for videos (tBefore, tAfter, "
                    + "hBefore, ...), got %s", amounts == null ? "none" : Arrays.toString(amounts));
            checkAmounts(amounts, SpatialRank.of(amounts.length / 2));
            return new Padding(mode, amounts);
        }
    }
}
