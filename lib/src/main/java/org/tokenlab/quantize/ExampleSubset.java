package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.tokenlab.internal.Scalars;

/**
 * Some examples of a batch, chosen along axis 0: {@link #select} takes their rows out of a batch
 * array, {@link #spread} puts rows computed for them back in place, with a fill value for the other
 * examples. {@link ResidualQuantizer} uses it so that a level sees only the examples that use it.
 *
 * <p>Both directions are one gather, which keeps the gradient path of the selected rows; the index
 * arrays are engine-owned because autograd keeps them for the backward pass (see {@link Scalars}).
 */
final class ExampleSubset {

    private final int batch;
    private final long[] members; // increasing example numbers
    private final NDArray memberIndex; // (M) int64: the members; null for the whole batch
    private final NDArray slotIndex; // (B) int64: member b's row in the subset, M for the others; null likewise

    private ExampleSubset(int batch, long[] members, NDManager manager) {
        this.batch = batch;
        this.members = members;
        if (isWholeBatch()) {
            memberIndex = null;
            slotIndex = null;
            return;
        }
        long[] slots = new long[batch];
        Arrays.fill(slots, members.length); // the fill row appended after the M members
        for (int i = 0; i < members.length; i++) {
            slots[(int) members[i]] = i;
        }
        memberIndex = Scalars.owned(manager.create(members));
        slotIndex = Scalars.owned(manager.create(slots));
    }

    /** The examples {@code b} of a batch with {@code depths[b] > level}; index arrays on {@code manager}. */
    static ExampleSubset deeperThan(int[] depths, int level, NDManager manager) {
        long[] members = new long[depths.length];
        int found = 0;
        for (int b = 0; b < depths.length; b++) {
            if (depths[b] > level) {
                members[found++] = b;
            }
        }
        return new ExampleSubset(depths.length, Arrays.copyOf(members, found), manager);
    }

    /** Whether the subset holds no example. */
    boolean isEmpty() {
        return members.length == 0;
    }

    /** Whether the subset holds every example of the batch. */
    boolean isWholeBatch() {
        return members.length == batch;
    }

    /** The members' rows {@code (M, ...)} of {@code all} {@code (B, ...)}. */
    NDArray select(NDArray all) {
        return isWholeBatch() ? all : all.get(memberIndex);
    }

    /**
     * Rows {@code (M, ...)} of the members back in a batch {@code (B, ...)}: member {@code b} gets its
     * row, every other example {@code fill}.
     */
    NDArray spread(NDArray rows, float fill) {
        if (isWholeBatch()) {
            return rows;
        }
        Shape s = rows.getShape();
        long[] one = s.getShape();
        one[0] = 1;
        NDArray fillRow = rows.getManager().full(new Shape(one), fill, rows.getDataType()); // engine-owned
        return rows.concat(fillRow, 0).get(slotIndex); // (M + 1, ...) -> (B, ...)
    }
}
