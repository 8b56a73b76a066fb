package org.tokenlab.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;

/**
 * A same-size convolution whose border is padded with a {@link PaddingMode}: the input is padded by
 * {@code k / 2} on every side of every spatial axis with {@link Padding}, then convolved with a
 * {@code k x k} ({@code k x k x k} for videos) kernel, stride 1 and no padding of its own:
 * {@code (B, C, H, W) -> (B, filters, H, W)} or {@code (B, C, T, H, W) -> (B, filters, T, H, W)}.
 * With {@link PaddingMode#ZEROS} it computes what DJL's {@code Conv2d} / {@code Conv3d} with padding
 * {@code k / 2} computes, in one engine call.
 *
 * <p>Its parameters are DJL's: {@code weight} {@code (filters, C, [k,] k, k)} of
 * {@code Parameter.Type.WEIGHT} and {@code bias} {@code (filters)} of {@code Parameter.Type.BIAS},
 * with the same shapes, types and so the same initializers (Xavier for the weight, zeros for the
 * bias, or whatever a training configuration sets per type), and the same names as in a DJL
 * convolution. A model built with {@code optPadding(PaddingMode.REFLECT)} therefore has the
 * parameter names of the same model with zero padding: checkpoints load into either, and
 * {@link Inflation#remap()} inflates a 2D model into a reflect-padded 3D one. A {@code SequentialBlock}
 * of a {@link Padding} and a convolution would instead name them {@code 02Conv2d_weight}.
 *
 * <p>MAGVIT (Yu et al. 2023, arXiv 2212.05199) pads the convolutions of its 3D VQ autoencoder with
 * reflection: a constant region stays constant up to the border.
 *
 * <pre>{@code
 * jshell> var conv = PaddedConvolution.builder().setFilters(64).setKernelSize(3).setPadding(PaddingMode.REFLECT)
 *    ...>         .optSpatialRank(SpatialRank.THREE).build();
 * jshell> conv.initialize(manager, DataType.FLOAT32, new Shape(2, 32, 4, 16, 16));   // output (2, 64, 4, 16, 16)
 * jshell> conv.getParameters().keys()                                              // [weight, bias]
 * }</pre>
 */
public final class PaddedConvolution extends AbstractBlock {

    private final int filters;
    private final int kernelSize;
    private final PaddingMode mode;
    private final SpatialRank rank;
    private final Parameter weight;
    private final Parameter bias;

    private PaddedConvolution(Builder b) {
        this.filters = b.filters;
        this.kernelSize = b.kernelSize;
        this.mode = b.mode;
        this.rank = b.rank;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int filters() {
        return filters;
    }

    public int kernelSize() {
        return kernelSize;
    }

    public PaddingMode padding() {
        return mode;
    }

    public SpatialRank spatialRank() {
        return rank;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                  // (B, C, [T,] H, W)
        checkInput(x.getShape());
        Device device = x.getDevice();
        NDArray w = ps.getValue(weight, device, training);                      // (filters, C, [k,] k, k)
        NDArray b = ps.getValue(bias, device, training);                        // (filters)
        int pad = kernelSize / 2;
        if (mode == PaddingMode.ZEROS || pad == 0) {
            return convolve(x, w, b, pad);
        }
        try (NDArray padded = Padding.uniform(x, mode, pad)) {                  // each spatial axis + 2 * pad
            return convolve(padded, w, b, 0);                                   // the graph keeps what backward needs
        }
    }

    private NDList convolve(NDArray x, NDArray w, NDArray b, int pad) {
        Shape stride = rank.uniform(1);
        Shape padding = rank.uniform(pad);
        Shape dilation = rank.uniform(1);
        return rank == SpatialRank.TWO ? Conv2d.conv2d(x, w, b, stride, padding, dilation, 1)
                : Conv3d.conv3d(x, w, b, stride, padding, dilation, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] s = inputShapes[0].getShape().clone();
        s[1] = filters;                                                         // spatial axes kept
        return new Shape[] {new Shape(s)};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        checkInput(inputShapes[0]);
    }

    /** The shapes DJL's convolution gives its parameters: {@code (filters, C, kernel...)} and {@code (filters)}. */
    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1)).addAll(rank.uniform(kernelSize)));
        bias.setShape(new Shape(filters));
    }

    private void checkInput(Shape s) {
        Checks.require(rank.matches(s), "PaddedConvolution (%dD, %s padding) expects %s %s, got %s; set optSpatialRank "
                        + "to the input's spatial rank", rank.axes(), mode, rank.inputs(), rank.layout(), Checks.describe(s));
    }

    /** Builder: {@code setFilters}, {@code setKernelSize} and {@code setPadding} are required. */
    public static final class Builder {
        private int filters;
        private int kernelSize;
        private PaddingMode mode;
        private SpatialRank rank = SpatialRank.TWO;

        /** Output channels. */
        public Builder setFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /** Kernel size {@code k} on every spatial axis: odd, so a pad of {@code k / 2} keeps the size. */
        public Builder setKernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        /** What the border holds: {@link PaddingMode#REFLECT} (MAGVIT), {@link PaddingMode#REPLICATE} or zeros. */
        public Builder setPadding(PaddingMode mode) {
            this.mode = mode;
            return this;
        }

        /** Spatial rank (default {@link SpatialRank#TWO}, images; {@link SpatialRank#THREE} for videos). */
        public Builder optSpatialRank(SpatialRank rank) {
            this.rank = rank;
            return this;
        }

        public PaddedConvolution build() {
            Checks.require(filters >= 1, "PaddedConvolution needs setFilters(n) with n >= 1, got %d", filters);
            Checks.require(kernelSize >= 1 && kernelSize % 2 == 1, "PaddedConvolution needs an odd setKernelSize so the "
                    + "padding k / 2 keeps the size, got %d; use 1, 3, 5, ...", kernelSize);
            Checks.require(mode != null, "PaddedConvolution needs setPadding(PaddingMode.REFLECT, REPLICATE or ZEROS)");
            Checks.require(rank != null, "PaddedConvolution optSpatialRank needs SpatialRank.TWO or THREE, got null");
            return new PaddedConvolution(this);
        }
    }
}
