package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;

/**
 * The PatchGAN discriminator of pix2pix (Isola et al. 2017) as used by VQGAN (taming-transformers'
 * {@code NLayerDiscriminator}): instead of one real/fake score per image it gives one logit per
 * overlapping patch, so it judges local texture and leaves global structure to the
 * reconstruction loss.
 *
 * <pre>
 *   conv 4x4 stride 2 (C_in -> ndf)                         + LeakyReLU(0.2)
 *   n times: conv 4x4 (stride 2, the n-th stride 1, no bias) + BatchNorm + LeakyReLU(0.2)
 *            channels ndf * min(2^i, 8) for i = 1..n
 *   conv 4x4 stride 1 (-> 1)                                  logits
 * </pre>
 * All convolutions pad by 1. Input {@code (B, C_in, H, W)}, output {@code (B, 1, h, w)}: with the
 * defaults (n = 3, ndf = 64) a 32x32 input gives 2x2 logits, 64x64 gives 6x6 and 256x256 the
 * familiar 30x30. Each logit sees a {@link #receptiveField()} of 70x70 pixels for n = 3 (34 for
 * n = 2, 16 for n = 1); on 32x32 digits that is the whole image plus padding, so n = 2 or fewer
 * channels suit MNIST. Weights start as taming's: convolutions N(0, 0.02); BatchNorm starts at
 * scale 1 (taming draws it from N(1, 0.02)).
 *
 * <pre>{@code
 * jshell> var d = PatchDiscriminator.builder().optInputChannels(1).optLayers(2).optBaseChannels(32).build();
 * jshell> d.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 32, 32));
 * jshell> NDArray logits = d.forward(ps, new NDList(images), true).singletonOrThrow();  // (8, 1, 6, 6)
 * }</pre>
 */
public final class PatchDiscriminator extends AbstractBlock {

    private static final int KERNEL = 4;

    private final int inputChannels;
    private final int baseChannels;
    private final int layers;
    private final Block body;

    private PatchDiscriminator(Builder b) {
        this.inputChannels = b.inputChannels;
        this.baseChannels = b.baseChannels;
        this.layers = b.layers;
        SequentialBlock s = new SequentialBlock();
        s.add(conv(baseChannels, 2, true)).add(Activation.leakyReluBlock(0.2f));
        for (int n = 1; n <= layers; n++) {
            int channels = baseChannels * Math.min(1 << n, 8);
            s.add(conv(channels, n == layers ? 1 : 2, false))
                    .add(BatchNorm.builder().build())
                    .add(Activation.leakyReluBlock(0.2f));
        }
        s.add(conv(1, 1, true));
        this.body = addChildBlock("layers", s);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Block conv(int filters, int stride, boolean bias) {
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(KERNEL, KERNEL)).setFilters(filters)
                .optStride(new Shape(stride, stride)).optPadding(new Shape(1, 1)).optBias(bias).build();
        conv.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return conv;
    }

    public int inputChannels() {
        return inputChannels;
    }

    public int baseChannels() {
        return baseChannels;
    }

    /** The number n of normalized middle layers. */
    public int layers() {
        return layers;
    }

    /** Side in pixels of the input square each output logit depends on (70 for n = 3). */
    public int receptiveField() {
        int field = 1;
        for (int i = strides().length - 1; i >= 0; i--) {
            field = (field - 1) * strides()[i] + KERNEL;
        }
        return field;
    }

    /** Side of the logit map for an input side, or 0 when the input is too small for the layers. */
    public long outputSide(long inputSide) {
        long side = inputSide;
        for (int stride : strides()) {
            // 4x4 kernel, padding 1: out = floor((in + 2 - 4) / stride) + 1
            side = side < 2 ? 0 : (side - 2) / stride + 1;
        }
        return Math.max(side, 0);
    }

    /** The smallest input side that gives at least one logit. */
    public long minimumInputSide() {
        long side = 1;
        while (outputSide(side) < 1) {
            side++;
        }
        return side;
    }

    private int[] strides() {
        int[] strides = new int[layers + 2];
        for (int i = 0; i < strides.length; i++) {
            strides[i] = i < layers ? 2 : 1; // the first conv and the n-1 middle ones halve
        }
        return strides;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.singletonOrThrow();
        check(images.getShape());
        return body.forward(ps, new NDList(images), training); // (B, 1, h, w)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), 1, outputSide(s.get(2)), outputSide(s.get(3)))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        check(inputShapes[0]);
        body.initialize(manager, dataType, inputShapes[0]);
    }

    private void check(Shape s) {
        Checks.require(s.dimension() == 4 && s.get(1) == inputChannels,
                "PatchDiscriminator expects images (B, %d, H, W), got shape %s; set optInputChannels(%s) for other images",
                inputChannels, Checks.describe(s), s.dimension() == 4 ? String.valueOf(s.get(1)) : "C");
        long min = minimumInputSide();
        Checks.require(s.get(2) >= min && s.get(3) >= min,
                "PatchDiscriminator with %d layers expects images of at least %dx%d, got shape %s; use fewer layers (optLayers)",
                layers, min, min, Checks.describe(s));
    }

    @Override
    public String toString() {
        return String.format("PatchDiscriminator(%d -> 1 channels, ndf %d, %d layers, receptive field %dx%d)",
                inputChannels, baseChannels, layers, receptiveField(), receptiveField());
    }

    /** Builder: every setting is optional; the defaults are taming-transformers' (3 channels, ndf 64, n 3). */
    public static final class Builder {
        private int inputChannels = 3;
        private int baseChannels = 64;
        private int layers = 3;

        /** Channels of the images to judge (default 3; 1 for MNIST). */
        public Builder optInputChannels(int inputChannels) {
            this.inputChannels = inputChannels;
            return this;
        }

        /** Channels of the first convolution, {@code ndf} (default 64); deeper layers use up to 8x. */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /** Number n of normalized middle layers (default 3); each more doubles the receptive field. */
        public Builder optLayers(int layers) {
            this.layers = layers;
            return this;
        }

        public PatchDiscriminator build() {
            Checks.require(inputChannels >= 1, "PatchDiscriminator expects optInputChannels >= 1, got %d", inputChannels);
            Checks.require(baseChannels >= 1, "PatchDiscriminator expects optBaseChannels >= 1, got %d; taming uses 64", baseChannels);
            Checks.require(layers >= 1 && layers <= 8,
                    "PatchDiscriminator expects optLayers between 1 and 8, got %d; taming uses 3", layers);
            return new PatchDiscriminator(this);
        }
    }
}
