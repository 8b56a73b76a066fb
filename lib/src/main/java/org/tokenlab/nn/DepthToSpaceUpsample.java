package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.tokenlab.internal.Checks;

/**
 * Up-sampling by depth-to-space in time and space, as the decoder of MAGVIT-v2 (Yu et al. 2023,
 * arXiv 2310.05737) does in place of nearest resizing: a {@link CausalConv3d} to
 * {@code C * sT * sH * sW} channels, then {@link #depthToSpace} moves each group of
 * {@code sT * sH * sW} channels into an {@code sT x sH x sW} block of positions, and the first
 * {@code sT - 1} frames are dropped. The causal layout is kept: {@code 1 + k} latent frames become
 * {@code 1 + sT*k} frames, output frame 0 comes from latent frame 0 alone and output frames
 * {@code sT*(m-1) + 1 ... sT*m} from latent frame {@code m} (and, through the causal convolution,
 * from the ones before it).
 *
 * <p>Shapes: {@code (B, Cin, 1 + k, H, W) -> (B, C, 1 + sT*k, sH*H, sW*W)}. Every frame count is
 * {@code 1 + k}, so any {@code T >= 1} is accepted. Parameters: those of the convolution,
 * {@code conv_weight} {@code (C*sT*sH*sW, Cin, kt, kh, kw)} and {@code conv_bias} (DJL prefixes
 * child names with their position).
 *
 * <pre>{@code
 * jshell> var up = DepthToSpaceUpsample.builder().setFilters(64).build();                  // factors (2, 2, 2)
 * jshell> up.getOutputShapes(new Shape[] {new Shape(2, 128, 5, 8, 8)})[0]                   // (2, 64, 9, 16, 16)
 * jshell> DepthToSpaceUpsample.depthToSpace(manager.arange(8f).reshape(1, 8, 1, 1, 1), 2, 2, 2)   // (1, 1, 2, 2, 2)
 * }</pre>
 */
public final class DepthToSpaceUpsample extends AbstractBlock {

    private final int filters;
    private final int[] factors;
    private final CausalConv3d conv;

    private DepthToSpaceUpsample(Builder b) {
        this.filters = b.filters;
        this.factors = b.factors;
        int product = factors[0] * factors[1] * factors[2];
        this.conv = addChildBlock("conv", CausalConv3d.builder().setFilters(filters * product)
                .optKernelSize(b.kernel, b.kernel, b.kernel).optTimePadding(b.timePadding)
                .optSpatialPadding(b.spatialPadding).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Output channels {@code C}. */
    public int filters() {
        return filters;
    }

    /** The factors {@code (sT, sH, sW)} (a copy). */
    public int[] factors() {
        return factors.clone();
    }

    /**
     * Depth-to-space of videos: {@code (B, C*sT*sH*sW, T, H, W) -> (B, C, T*sT, H*sH, W*sW)} with
     * {@code out[b, c, t*sT + i, h*sH + j, w*sW + l] = x[b, ((c*sT + i)*sH + j)*sW + l, t, h, w]}, the
     * channel order of PyTorch's {@code pixel_shuffle} extended to time (einops:
     * {@code b (c st sh sw) t h w -> b c (t st) (h sh) (w sw)}). No frame is dropped. A new array on
     * {@code x}'s manager; differentiable.
     *
     * @throws IllegalArgumentException for another rank, factors other than three positive numbers,
     *     or channels that are not a multiple of {@code sT*sH*sW}
     */
    public static NDArray depthToSpace(NDArray x, int... factors) {
        Checks.notNull(x, "x");
        Checks.require(factors != null && factors.length == 3 && Arrays.stream(factors).allMatch(f -> f >= 1),
                "depthToSpace needs three factors (sT, sH, sW), each 1 or more, got %s; e.g. (2, 2, 2)",
                factors == null ? "null" : Arrays.toString(factors));
        Shape s = x.getShape();
        int product = factors[0] * factors[1] * factors[2];
        Checks.require(s.dimension() == 5 && s.get(1) % product == 0, "depthToSpace with factors %s expects videos "
                        + "(B, C*%d, T, H, W), channels a multiple of %d, got %s; give the convolution before it C*%d filters",
                Arrays.toString(factors), product, product, Checks.describe(s), product);
        long b = s.get(0);
        long c = s.get(1) / product;
        long t = s.get(2);
        long h = s.get(3);
        long w = s.get(4);
        NDArray split = x.reshape(b, c, factors[0], factors[1], factors[2], t, h, w);
        NDArray moved = split.transpose(0, 1, 5, 2, 6, 3, 7, 4);                // (B, C, T, sT, H, sH, W, sW)
        NDArray out = moved.reshape(b, c, t * factors[0], h * factors[1], w * factors[2]);
        split.close(); // views: the graph keeps what backward needs
        if (moved != out) {
            moved.close();
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        NDArray deep = conv.forward(ps, new NDList(x), training).singletonOrThrow();   // (B, C*sT*sH*sW, T, H, W)
        NDArray spread = depthToSpace(deep, factors);                                   // (B, C, T*sT, sH*H, sW*W)
        deep.close(); // the graph keeps what backward needs
        if (factors[0] == 1) {
            return new NDList(spread);
        }
        // the first latent frame spread over sT frames: keep only its last, the causal layout's frame 0
        NDArray out = spread.get(new NDIndex().addAllDim(2).addSliceDim(factors[0] - 1, spread.getShape().get(2)));
        spread.close();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        return new Shape[] {new Shape(s.get(0), filters, 1 + factors[0] * (s.get(2) - 1), s.get(3) * factors[1],
                s.get(4) * factors[2])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        conv.initialize(manager, dataType, inputShapes[0]);
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() == 5 && s.get(2) >= 1, "DepthToSpaceUpsample expects latent videos "
                + "(B, C, 1 + k, H, W), got %s; an image is a one-frame video: add the time axis with expandDims(2)",
                Checks.describe(s));
    }

    /** Builder: {@code setFilters} is required. */
    public static final class Builder {
        private int filters;
        private int[] factors = {2, 2, 2};
        private int kernel = 3;
        private PaddingMode timePadding = PaddingMode.REPLICATE;
        private PaddingMode spatialPadding = PaddingMode.ZEROS;

        /** Output channels {@code C}; the convolution has {@code C * sT * sH * sW}. */
        public Builder setFilters(int filters) {
            this.filters = filters;
            return this;
        }

        /** Factors {@code (sT, sH, sW)}, each 1 or more (default 2, 2, 2; {@code (1, 2, 2)} up-samples space only). */
        public Builder optFactors(int st, int sh, int sw) {
            this.factors = new int[] {st, sh, sw};
            return this;
        }

        /** Kernel size of the causal convolution on every axis (default 3, odd). */
        public Builder optKernelSize(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /** Time padding of the convolution: {@link PaddingMode#REPLICATE} (the default) or {@link PaddingMode#ZEROS}. */
        public Builder optTimePadding(PaddingMode mode) {
            this.timePadding = mode;
            return this;
        }

        /** Spatial padding of the convolution (default {@link PaddingMode#ZEROS}). */
        public Builder optSpatialPadding(PaddingMode mode) {
            this.spatialPadding = mode;
            return this;
        }

        public DepthToSpaceUpsample build() {
            Checks.require(filters >= 1, "DepthToSpaceUpsample needs setFilters(n) with n >= 1, got %d", filters);
            Checks.require(Arrays.stream(factors).allMatch(f -> f >= 1), "DepthToSpaceUpsample needs factors "
                    + "(sT, sH, sW) of 1 or more, got %s; e.g. optFactors(2, 2, 2)", Arrays.toString(factors));
            return new DepthToSpaceUpsample(this);   // the convolution checks the kernel and paddings
        }
    }
}
