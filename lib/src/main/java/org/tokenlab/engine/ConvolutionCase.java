package org.tokenlab.engine;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collections;
import org.tokenlab.internal.Checks;

/**
 * One convolution problem of the self-check: a batch of square 2D images or cubic 3D clips, a square
 * (cubic) kernel, the same stride and zero padding on every spatial axis.
 *
 * @param batch B
 * @param inChannels C
 * @param outChannels O
 * @param spatialRank 2 (images {@code (B, C, H, W)}) or 3 (clips {@code (B, C, T, H, W)})
 * @param size the input's extent on each spatial axis
 * @param kernel the kernel's extent on each spatial axis
 * @param stride the step on each spatial axis
 * @param padding zeros added on each side of each spatial axis
 */
public record ConvolutionCase(int batch, int inChannels, int outChannels, int spatialRank, int size, int kernel,
                              int stride, int padding) {

    public ConvolutionCase {
        Checks.positive(batch, "batch");
        Checks.positive(inChannels, "inChannels");
        Checks.positive(outChannels, "outChannels");
        Checks.require(spatialRank == 2 || spatialRank == 3, "spatialRank must be 2 or 3, got %d", spatialRank);
        Checks.positive(kernel, "kernel");
        Checks.positive(stride, "stride");
        Checks.require(padding >= 0, "padding must be >= 0, got %d", padding);
        Checks.require(size + 2 * padding >= kernel, "the padded input (%d + 2 * %d) must be at least the kernel %d",
                size, padding, kernel);
    }

    /** A 2D convolution of {@code (batch, in, size, size)} images. */
    public static ConvolutionCase image(int batch, int in, int out, int size, int kernel, int stride, int padding) {
        return new ConvolutionCase(batch, in, out, 2, size, kernel, stride, padding);
    }

    /** A 3D convolution of {@code (batch, in, size, size, size)} clips. */
    public static ConvolutionCase clip(int batch, int in, int out, int size, int kernel, int stride, int padding) {
        return new ConvolutionCase(batch, in, out, 3, size, kernel, stride, padding);
    }

    /** Output extent on each spatial axis. */
    public int outputSize() {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    public Shape inputShape() {
        return withSpatial(batch, inChannels, size);
    }

    public Shape weightShape() {
        return withSpatial(outChannels, inChannels, kernel);
    }

    public Shape outputShape() {
        return withSpatial(batch, outChannels, outputSize());
    }

    /** {@code (stride, stride[, stride])} as DJL's convolution takes it. */
    public Shape strideShape() {
        return spatial(stride);
    }

    public Shape paddingShape() {
        return spatial(padding);
    }

    public Shape dilationShape() {
        return spatial(1);
    }

    @Override
    public String toString() {
        String k = String.join("x", Collections.nCopies(spatialRank, String.valueOf(kernel)));
        return String.format("%dD %d->%d channels, kernel %s, stride %d, padding %d, input %s",
                spatialRank, inChannels, outChannels, k, stride, padding, Checks.describe(inputShape()));
    }

    int[] inputSize3d() {
        return extent3d(size, 1);
    }

    int[] kernelSize3d() {
        return extent3d(kernel, 1);
    }

    int[] outputSize3d() {
        return extent3d(outputSize(), 1);
    }

    int[] stride3d() {
        return extent3d(stride, 1);
    }

    int[] padding3d() {
        return extent3d(padding, 0);
    }

    /** The extent on the depth, height and width axes; a 2D case has {@code depthOf2d} as its depth. */
    private int[] extent3d(int value, int depthOf2d) {
        return new int[] {spatialRank == 3 ? value : depthOf2d, value, value};
    }

    private Shape withSpatial(long first, long second, long extent) {
        long[] dims = new long[2 + spatialRank];
        dims[0] = first;
        dims[1] = second;
        Arrays.fill(dims, 2, dims.length, extent);
        return new Shape(dims);
    }

    private Shape spatial(long value) {
        long[] dims = new long[spatialRank];
        Arrays.fill(dims, value);
        return new Shape(dims);
    }
}
