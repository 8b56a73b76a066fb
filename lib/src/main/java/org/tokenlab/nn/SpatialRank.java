package org.tokenlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * How many spatial axes a convolutional block works over: {@link #TWO} for images
 * {@code (B, C, H, W)}, {@link #THREE} for videos {@code (B, C, T, H, W)}. The shared blocks
 * ({@link ResidualBlock}, {@link Downsample}, {@link Upsample}) take one through
 * {@code optSpatialRank} and ask it for their convolutions, so a 3D block runs the same code as its
 * 2D form with {@code Conv3d} in place of {@code Conv2d}; {@link GroupNorm} needs no rank, it
 * normalizes over every axis after the channels.
 *
 * <pre>{@code
 * jshell> var conv = SpatialRank.THREE.sameConvolution(64, 3);   // Conv3d, kernel (3, 3, 3), padding (1, 1, 1)
 * jshell> SpatialRank.THREE.layout()                              // "(B, C, T, H, W)"
 * jshell> var mirrored = SpatialRank.TWO.sameConvolution(64, 3, PaddingMode.REFLECT);   // PaddedConvolution: weight, bias
 * }</pre>
 */
public enum SpatialRank {

    /** Images {@code (B, C, H, W)}: {@code Conv2d}. */
    TWO(2, "(B, C, H, W)", "images"),

    /** Videos {@code (B, C, T, H, W)}: {@code Conv3d}; the first spatial axis is time. */
    THREE(3, "(B, C, T, H, W)", "videos");

    private final int axes;
    private final String layout;
    private final String inputs;

    SpatialRank(int axes, String layout, String inputs) {
        this.axes = axes;
        this.layout = layout;
        this.inputs = inputs;
    }

    /**
     * The rank with {@code axes} spatial axes, 2 or 3; anything else fails with an
     * {@link IllegalArgumentException} that names the accepted values.
     */
    public static SpatialRank of(int axes) {
        for (SpatialRank r : values()) {
            if (r.axes == axes) {
                return r;
            }
        }
        throw new IllegalArgumentException(String.format(
                "SpatialRank expects 2 (images (B, C, H, W)) or 3 (videos (B, C, T, H, W)) spatial axes, got %d; "
                        + "use SpatialRank.TWO or SpatialRank.THREE", axes));
    }

    /** Number of spatial axes: 2 or 3. */
    public int axes() {
        return axes;
    }

    /** Rank of the inputs, batch and channel axes included: 4 or 5. */
    public int inputDimension() {
        return axes + 2;
    }

    /** The input layout as the error messages and javadoc spell it: {@code (B, C, H, W)} or {@code (B, C, T, H, W)}. */
    public String layout() {
        return layout;
    }

    /** What inputs of this rank are, in words: {@code images} or {@code videos}. */
    public String inputs() {
        return inputs;
    }

    /** Whether {@code s} has this rank's input dimension ({@code (B, C)} then the spatial axes). */
    public boolean matches(Shape s) {
        return s.dimension() == inputDimension();
    }

    /** A shape of this rank's spatial axes with every entry {@code n}: {@code (n, n)} or {@code (n, n, n)}. */
    public Shape uniform(long n) {
        long[] entries = new long[axes];
        Arrays.fill(entries, n);
        return new Shape(entries);
    }

    /**
     * A convolution of this rank with {@code filters} output channels, bias, and the given kernel,
     * stride and symmetric padding, each a shape of {@link #axes()} entries in spatial order
     * ({@code (H, W)} or {@code (T, H, W)}). Parameters {@code weight} and {@code bias}, as DJL's.
     */
    public Convolution convolution(int filters, Shape kernel, Shape stride, Shape padding) {
        return convolution(filters, kernel, stride, padding, true);
    }

    /**
     * {@link #convolution(int, Shape, Shape, Shape)} with or without a bias; without one the block
     * has the parameter {@code weight} only (e.g. the 1x1 shortcut of a residual block, whose sum
     * with a biased branch needs no second bias).
     */
    public Convolution convolution(int filters, Shape kernel, Shape stride, Shape padding, boolean bias) {
        requireAxes(kernel, "kernel");
        requireAxes(stride, "stride");
        requireAxes(padding, "padding");
        if (this == TWO) {
            return Conv2d.builder().setFilters(filters).setKernelShape(kernel).optStride(stride).optPadding(padding)
                    .optBias(bias).build();
        }
        return Conv3d.builder().setFilters(filters).setKernelShape(kernel).optStride(stride).optPadding(padding)
                .optBias(bias).build();
    }

    /**
     * A same-size convolution: kernel {@code k} on every spatial axis, stride 1, padding {@code k / 2},
     * with bias; {@code (B, C, ...) -> (B, filters, ...)} for odd {@code k}.
     */
    public Convolution sameConvolution(int filters, int kernel) {
        Checks.require(kernel >= 1 && kernel % 2 == 1,
                "A same-size convolution needs an odd kernel size so the padding k / 2 keeps the size, got %d; use 1, 3, 5, ...",
                kernel);
        return convolution(filters, uniform(kernel), uniform(1), uniform(kernel / 2));
    }

    /**
     * A same-size convolution whose border is padded with {@code mode}: for {@link PaddingMode#ZEROS}
     * exactly {@link #sameConvolution(int, int)} (DJL's {@code Conv2d} or {@code Conv3d}); otherwise a
     * {@link PaddedConvolution}, which pads by {@code k / 2} on every side and convolves without
     * padding. Both have the parameters {@code weight} and {@code bias}, of the same shapes, so a
     * model's parameter names do not depend on its padding. MAGVIT pads its 3D VQ autoencoder with
     * {@link PaddingMode#REFLECT}.
     */
    public Block sameConvolution(int filters, int kernel, PaddingMode mode) {
        Checks.notNull(mode, "mode");
        Convolution zeroPadded = sameConvolution(filters, kernel);   // also checks that the kernel is odd
        if (mode == PaddingMode.ZEROS) {
            return zeroPadded;
        }
        return PaddedConvolution.builder().setFilters(filters).setKernelSize(kernel).setPadding(mode)
                .optSpatialRank(this).build();
    }

    private void requireAxes(Shape s, String what) {
        Checks.require(s.dimension() == axes,
                "A %dD convolution needs a %s of %d entries, one per spatial axis of %s, got %s; give %d entries",
                axes, what, axes, layout, s.dimension() == 0 ? "()" : s.toString(), axes);
    }
}
