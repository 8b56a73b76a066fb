package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scalars;
import org.tokenlab.nn.SpatialRank;

/**
 * Anti-aliased downsampling for {@link StyleGanDiscriminator}: every channel on its own (depthwise)
 * is convolved with the binomial filter {@code [1, 3, 3, 1] / 8} along each halved axis, at stride 2
 * and zero padding 1, so {@code n -> n / 2} on that axis; a kept axis gets the filter {@code [1]}
 * (no blur, stride 1). This is StyleGAN2's blur before its stride-2 layers, done as one
 * operation as in BlurPool (Zhang 2019, "Making Convolutional Networks Shift-Invariant Again") and
 * MAGVIT's 2D {@code BlurPool2D(filter_size=4)}. It equals a {@code [1, 2, 1] / 4} blur followed by
 * 2x average pooling, since {@code [1, 1] / 2 * [1, 2, 1] / 4 = [1, 3, 3, 1] / 8}.
 *
 * <p>The filter is normalized to sum to 1, so a constant input stays constant away from the borders;
 * the outermost outputs of a halved axis see one zero of padding and get {@code 7/8} of it. The
 * filter is fixed (no parameters). Not API.
 */
final class BlurDownsample {

    /** The binomial taps along a halved axis, before normalization. */
    private static final float[] TAPS = {1, 3, 3, 1};

    private final SpatialRank rank;
    private final boolean[] halved;

    /** Halves the spatial axes flagged in {@code halved}, one flag per axis of {@code rank} in order. */
    BlurDownsample(SpatialRank rank, boolean... halved) {
        Checks.require(halved.length == rank.axes(), "BlurDownsample needs one flag per spatial axis of %s, got %d",
                rank.layout(), halved.length);
        this.rank = rank;
        this.halved = halved.clone();
    }

    /** {@code (B, C, ...) -> (B, C, ...)} with every halved axis halved (rounded down). */
    NDArray apply(NDArray x) {
        long channels = x.getShape().get(1);
        long[] weightShape = new long[2 + halved.length];
        weightShape[0] = channels;                 // (C, 1, k...): one filter per channel, groups = C
        weightShape[1] = 1;
        System.arraycopy(kernel().getShape(), 0, weightShape, 2, halved.length);
        float[] one = filter();
        float[] all = new float[Math.toIntExact(channels * one.length)];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(one, 0, all, c * one.length, one.length);
        }
        // engine-owned: conv keeps the weight for the backward pass (see Scalars)
        NDArray weight = Scalars.owned(x.getManager().create(all, new Shape(weightShape)).toType(x.getDataType(), false));
        Shape stride = axes(2, 1);
        Shape padding = axes(1, 0);
        Shape dilation = rank.uniform(1);
        int groups = Math.toIntExact(channels);
        return rank == SpatialRank.TWO
                ? Conv2d.conv2d(x, weight, null, stride, padding, dilation, groups).singletonOrThrow()
                : Conv3d.conv3d(x, weight, null, stride, padding, dilation, groups).singletonOrThrow();
    }

    /** The shape {@link #apply} gives for {@code input}: halved axes {@code n / 2}. */
    Shape outputShape(Shape input) {
        long[] s = input.getShape().clone();
        for (int i = 0; i < halved.length; i++) {
            s[2 + i] = halved[i] ? s[2 + i] / 2 : s[2 + i];
        }
        return new Shape(s);
    }

    /** The kernel's shape per spatial axis: 4 on a halved axis, 1 on a kept one. */
    Shape kernel() {
        return axes(TAPS.length, 1);
    }

    /**
     * The normalized filter, the outer product of the per-axis taps, row-major over {@link #kernel()};
     * its entries sum to 1.
     */
    float[] filter() {
        float[] f = {1};
        for (boolean h : halved) {
            float[] taps = h ? TAPS : new float[] {1};
            float sum = 0;
            for (float t : taps) {
                sum += t;
            }
            float[] next = new float[f.length * taps.length];
            for (int i = 0; i < f.length; i++) {
                for (int j = 0; j < taps.length; j++) {
                    next[i * taps.length + j] = f[i] * taps[j] / sum;
                }
            }
            f = next;
        }
        return f;
    }

    private Shape axes(long whenHalved, long whenKept) {
        long[] s = new long[halved.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = halved[i] ? whenHalved : whenKept;
        }
        return new Shape(s);
    }
}
