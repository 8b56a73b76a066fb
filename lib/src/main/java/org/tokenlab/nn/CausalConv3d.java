package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * A causal 3D convolution over videos {@code (B, C, T, H, W)}, the building block of MAGVIT-v2's
 * tokenizer (Yu et al. 2023, arXiv 2310.05737, Section 3.2): output frame {@code t} depends only on
 * input frames {@code <= t}, so the first frame is encoded on its own, as an image, and a clip can be
 * extended frame by frame.
 *
 * <p>Time is padded only in the past, by {@code kt - 1} frames before the first one, with
 * {@link PaddingMode#REPLICATE} (copies of the first frame, the default, as the public MAGVIT-v2 style
 * code does) or {@link PaddingMode#ZEROS}. Reflection would copy future frames into the past and is
 * refused. Height and width are padded by {@code k / 2} on each side with any {@link PaddingMode}
 * (zeros by default), as {@link PaddedConvolution} does. The convolution itself pads nothing more.
 *
 * <p>With a temporal stride {@code s} the block down-samples time the causal way: output frame
 * {@code j} sees input frames {@code j*s - kt + 1 ... j*s}, so {@code T = 1 + s*k} frames become
 * {@code 1 + k}, the first frame alone giving the first output frame. Any other frame count fails.
 * Height and width with stride {@code sh}, {@code sw} must be multiples of it and are divided by it.
 * Shapes: {@code (B, C, 1 + s*k, H, W) -> (B, filters, 1 + k, H / sh, W / sw)}.
 *
 * <p>Parameters as DJL's {@code Conv3d}: {@code weight} {@code (filters, C, kt, kh, kw)} of
 * {@code Parameter.Type.WEIGHT} and {@code bias} {@code (filters)} of {@code Parameter.Type.BIAS}.
 * Temporal slot {@code kt - 1} of the weight multiplies the current frame, slot 0 the oldest one.
 *
 * <pre>{@code
 * jshell> var conv = CausalConv3d.builder().setFilters(64).build();                 // 3x3x3, replicate in time
 * jshell> conv.initialize(manager, DataType.FLOAT32, new Shape(2, 32, 17, 16, 16));   // output (2, 64, 17, 16, 16)
 * jshell> var down = CausalConv3d.builder().setFilters(64).optStride(2, 2, 2).build();
 * jshell> down.getOutputShapes(new Shape[] {new Shape(2, 32, 17, 16, 16)})[0]          // (2, 64, 9, 8, 8)
 * }</pre>
 */
public final class CausalConv3d extends AbstractBlock {

    private final int filters;
    private final int[] kernel;
    private final int[] stride;
    private final PaddingMode timePadding;
    private final PaddingMode spatialPadding;
    private final Parameter weight;
    private final Parameter bias;

    private CausalConv3d(Builder b) {
        this.filters = b.filters;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.timePadding = b.timePadding;
        this.spatialPadding = b.spatialPadding;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int filters() {
        return filters;
    }

    /** The kernel size {@code (kt, kh, kw)} (a copy). */
    public int[] kernelSize() {
        return kernel.clone();
    }

    /** The stride {@code (st, sh, sw)} (a copy). */
    public int[] stride() {
        return stride.clone();
    }

    /** What the {@code kt - 1} past frames hold: {@link PaddingMode#REPLICATE} (the default) or {@link PaddingMode#ZEROS}. */
    public PaddingMode timePadding() {
        return timePadding;
    }

    /** What the border of height and width holds (default {@link PaddingMode#ZEROS}). */
    public PaddingMode spatialPadding() {
        return spatialPadding;
    }

    /**
     * The number of output frames for {@code frames} input frames: {@code 1 + (frames - 1) / st}.
     *
     * @throws IllegalArgumentException unless {@code frames = 1 + st*k} for some {@code k >= 0}
     */
    public long outputFrames(long frames) {
        checkFrames(frames);
        return 1 + (frames - 1) / stride[0];
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                  // (B, C, T, H, W)
        checkInput(x.getShape());
        Checks.require(x.getShape().get(1) == weight.getArray().getShape().get(1), "CausalConv3d was initialized for "
                        + "%d input channels, got %s; initialize it for (B, %d, T, H, W) or feed %d channels",
                weight.getArray().getShape().get(1), Checks.describe(x.getShape()), x.getShape().get(1),
                weight.getArray().getShape().get(1));
        NDArray w = ps.getValue(weight, x.getDevice(), training);               // (filters, C, kt, kh, kw)
        NDArray b = ps.getValue(bias, x.getDevice(), training);                 // (filters)
        NDArray past = kernel[0] == 1 ? x : Padding.pad(x, timePadding, kernel[0] - 1, 0, 0, 0, 0, 0); // T + kt - 1
        int ph = kernel[1] / 2;
        int pw = kernel[2] / 2;
        Shape convPadding = new Shape(0, ph, pw);                               // zeros in space: the engine pads
        NDArray padded = past;
        if (spatialPadding != PaddingMode.ZEROS && ph + pw > 0) {
            padded = Padding.pad(past, spatialPadding, 0, 0, ph, ph, pw, pw);
            convPadding = new Shape(0, 0, 0);
        }
        NDList out = Conv3d.conv3d(padded, w, b, new Shape(stride[0], stride[1], stride[2]), convPadding,
                new Shape(1, 1, 1), 1);
        for (NDArray temporary : new NDArray[] {past, padded}) {
            if (temporary != x && !temporary.isReleased()) {
                temporary.close(); // the graph keeps what backward needs
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        return new Shape[] {new Shape(s.get(0), filters, outputFrames(s.get(2)), s.get(3) / stride[1], s.get(4) / stride[2])};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        checkInput(inputShapes[0]);
    }

    /** The shapes DJL's {@code Conv3d} gives its parameters: {@code (filters, C, kt, kh, kw)} and {@code (filters)}. */
    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1), kernel[0], kernel[1], kernel[2]));
        bias.setShape(new Shape(filters));
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() == 5, "CausalConv3d expects videos (B, C, T, H, W), got %s; an image is a "
                + "one-frame video: add the time axis with expandDims(2)", Checks.describe(s));
        checkFrames(s.get(2));
        for (int axis = 1; axis <= 2; axis++) {
            long size = s.get(2 + axis);
            Checks.require(size >= 1 && size % stride[axis] == 0, "CausalConv3d with stride %s expects %s a multiple "
                            + "of %d, got %d in %s; crop or pad the input to a multiple of %d",
                    Arrays.toString(stride), axis == 1 ? "H" : "W", stride[axis], size, Checks.describe(s), stride[axis]);
        }
    }

    private void checkFrames(long frames) {
        int s = stride[0];
        Checks.require(frames >= 1 && (frames - 1) % s == 0, "CausalConv3d with temporal stride %d expects 1 + %d*k "
                        + "frames (the first frame on its own, then groups of %d), got %d; use %s frames", s, s, s, frames,
                frames < 1 ? "1" : (1 + (frames - 1) / s * s) + " or " + (1 + ((frames - 1) / s + 1) * s));
    }

    /** Builder: {@code setFilters} is required. */
    public static final class Builder {
        private int filters;
        private int[] kernel = {3, 3, 3};
        private int[] stride = {1, 1, 1};
        private PaddingMode timePadding = PaddingMode.REPLICATE;
        private PaddingMode spatialPadding = PaddingMode.ZEROS;

        /** Output channels. */
        public Builder setFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /** Kernel size {@code k} on every axis (default 3); {@code k} must be odd. */
        public Builder optKernelSize(int k) {
            return optKernelSize(k, k, k);
        }

        /** Kernel size {@code (kt, kh, kw)}: any {@code kt >= 1}, odd {@code kh} and {@code kw} (default 3, 3, 3). */
        public Builder optKernelSize(int kt, int kh, int kw) {
            this.kernel = new int[] {kt, kh, kw};
            return this;
        }

        /**
         * Stride {@code (st, sh, sw)} (default 1, 1, 1): {@code st = 2} takes {@code 1 + 2k} frames to
         * {@code 1 + k}, {@code sh = sw = 2} halves height and width.
         */
        public Builder optStride(int st, int sh, int sw) {
            this.stride = new int[] {st, sh, sw};
            return this;
        }

        /**
         * What the {@code kt - 1} frames padded before the first one hold: {@link PaddingMode#REPLICATE}
         * (copies of the first frame, the default) or {@link PaddingMode#ZEROS}.
         */
        public Builder optTimePadding(PaddingMode mode) {
            this.timePadding = mode;
            return this;
        }

        /** What the border of height and width holds (default {@link PaddingMode#ZEROS}; MAGVIT pads with REFLECT). */
        public Builder optSpatialPadding(PaddingMode mode) {
            this.spatialPadding = mode;
            return this;
        }

        public CausalConv3d build() {
            Checks.require(filters >= 1, "CausalConv3d needs setFilters(n) with n >= 1, got %d", filters);
            Checks.require(kernel[0] >= 1 && kernel[1] >= 1 && kernel[2] >= 1 && kernel[1] % 2 == 1 && kernel[2] % 2 == 1,
                    "CausalConv3d needs a kernel (kt, kh, kw) with kt >= 1 and odd kh, kw (padded by k / 2 on each side), "
                            + "got %s; e.g. optKernelSize(3, 3, 3)", Arrays.toString(kernel));
            Checks.require(Arrays.stream(stride).allMatch(s -> s >= 1), "CausalConv3d needs strides of 1 or more, got %s; "
                    + "e.g. optStride(2, 2, 2) to halve time and space", Arrays.toString(stride));
            Checks.require(timePadding == PaddingMode.REPLICATE || timePadding == PaddingMode.ZEROS, "CausalConv3d pads "
                    + "time with the first frame (REPLICATE) or zeros, got %s, which would copy future frames into the "
                    + "past; use PaddingMode.REPLICATE or PaddingMode.ZEROS", timePadding);
            Checks.require(spatialPadding != null, "CausalConv3d optSpatialPadding needs PaddingMode.ZEROS, REFLECT or "
                    + "REPLICATE, got null");
            return new CausalConv3d(this);
        }
    }
}
