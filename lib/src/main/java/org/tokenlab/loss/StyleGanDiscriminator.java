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
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tokenlab.internal.Checks;
import org.tokenlab.nn.SpatialRank;

/**
 * The StyleGAN2 discriminator (Karras et al. 2020) as MAGVIT (Yu et al. 2023, arXiv 2212.05199)
 * uses it for its 3D VQ tokenizer, "inflated" to videos: one real/fake logit per image or clip,
 * from residual blocks that each halve the resolution.
 *
 * <pre>
 *   conv 3x3(x3) (C_in -> ch)                                                  + LeakyReLU(0.2)
 *   per multiplier m_i (ch_i = base * m_i), a residual block ch -> ch_i:
 *       main:     conv 3x3(x3) (ch -> ch) + LeakyReLU, blur-downsample, conv 3x3(x3) (ch -> ch_i) + LeakyReLU
 *       shortcut: blur-downsample, conv 1x1(x1) (ch -> ch_i), no bias
 *       out = (main + shortcut) / sqrt(2)
 *   conv 3x3(x3) (ch_n -> ch_n)                                                + LeakyReLU
 *   flatten, dense (-> ch_n) + LeakyReLU, dense (-> 1)                           logits (B, 1)
 * </pre>
 * Input images {@code (B, C_in, H, W)} ({@link SpatialRank#TWO}, the default) or videos
 * {@code (B, C_in, T, H, W)} ({@link SpatialRank#THREE}, with 3x3x3 convolutions); output
 * {@code (B, 1)}, owned by the input's manager. Each block halves H and W, and T where
 * {@code optTemporalDownsampling} says so, so H and W must be multiples of {@code 2^n} for n blocks
 * ({@link #downsamplingFactor()}) and T of {@link #temporalFactor()}. The dense layer's width
 * depends on the input size, so a discriminator judges the size it was initialized for. The first
 * block's {@code ch -> ch} convolution at full resolution does about half the multiply-adds at the
 * defaults; {@code optBaseChannels(16)} quarters it (docs/BENCHMARKS.md has times).
 *
 * <p>Downsampling is blur then subsample: the fixed binomial filter {@code [1, 3, 3, 1] / 8} per
 * halved axis, depthwise, at stride 2 (BlurPool; equal to a {@code [1, 2, 1]} blur and 2x average
 * pooling), on both the main branch and the shortcut, between the two convolutions as in MAGVIT.
 * There is no normalization layer (no BatchNorm, as StyleGAN), and no minibatch standard deviation,
 * so each clip's logit depends on that clip alone, whatever else is in the batch.
 *
 * <p>Where this differs from the reference code, and why:
 * <ul>
 *   <li>MAGVIT's 3D discriminator ({@code stylegan_discriminator_3d.py}) downsamples by plain 2x2x2
 *       average pooling, always halving time; its 2D form blurs only with {@code blur_resample}.
 *       Here every block blurs (StyleGAN2's anti-aliasing), and time is halved only where asked:
 *       the default keeps all T frames, as suits short clips. MAGVIT's optional LayerNorm/GroupNorm
 *       is off by default there and absent here. The first convolution is 3x3(x3) as in MAGVIT;
 *       StyleGAN2's {@code fromRGB} is 1x1.</li>
 *   <li>StyleGAN2 uses an equalized learning rate (weights N(0, 1) scaled by {@code 1/sqrt(fan_in)} at
 *       run time), multiplies each leaky ReLU by {@code sqrt(2)}, and appends a minibatch standard
 *       deviation channel before the last convolution. As MAGVIT, none of these: weights start
 *       Xavier-uniform (MAGVIT's {@code xavier_uniform}), biases at 0, and the optimizer (Adam in
 *       MAGVIT) sees the weights as they are. The minibatch statistic would make each logit depend
 *       on the other clips of its batch; without it a batch may mix real and fake clips, or be
 *       split, and every logit stays the same.</li>
 *   <li>StyleGAN2's final block sees 4x4 features; here it sees whatever the blocks leave
 *       ({@code H / 2^n}), so choose the number of blocks for the input size. MAGVIT uses base 64 (its
 *       encoder's width) and multipliers (2, 4, 4, 4, 4) for 64x64 and 128x128 clips; the defaults
 *       here, base 32 and (1, 2, 2), suit 32x32 digits on a CPU.</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> var d = StyleGanDiscriminator.builder().optSpatialRank(SpatialRank.THREE).build();
 * jshell> d.initialize(manager, DataType.FLOAT32, new Shape(4, 1, 8, 32, 32));
 * jshell> NDArray logits = d.forward(ps, new NDList(video), true).singletonOrThrow();   // (4, 1)
 * jshell> NDArray dLoss = GanLosses.HINGE.discriminatorLoss(logits, dFake);
 * }</pre>
 */
public final class StyleGanDiscriminator extends AbstractBlock {

    private static final float SLOPE = 0.2f;

    private final int inputChannels;
    private final int baseChannels;
    private final int[] multipliers;
    private final SpatialRank rank;
    private final boolean[] temporal;
    private final Block stem;
    private final List<Block> blocks = new ArrayList<>();
    private final Block last;
    private final Block dense;
    private final Block logit;

    private StyleGanDiscriminator(Builder b) {
        this.inputChannels = b.inputChannels;
        this.baseChannels = b.baseChannels;
        this.multipliers = b.multipliers.clone();
        this.rank = b.rank;
        this.temporal = b.temporal == null ? new boolean[multipliers.length] : b.temporal.clone();
        this.stem = addChildBlock("stem", rank.sameConvolution(baseChannels, 3));
        int channels = baseChannels;
        for (int i = 0; i < multipliers.length; i++) {
            int out = baseChannels * multipliers[i];
            blocks.add(addChildBlock("block" + i, new ResidualDownBlock(rank, channels, out, temporal[i])));
            channels = out;
        }
        this.last = addChildBlock("last", rank.sameConvolution(channels, 3));
        this.dense = addChildBlock("dense", Linear.builder().setUnits(channels).build());
        this.logit = addChildBlock("logit", Linear.builder().setUnits(1).build());
        // MAGVIT's xavier_uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3),
                Parameter.Type.WEIGHT);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int inputChannels() {
        return inputChannels;
    }

    public int baseChannels() {
        return baseChannels;
    }

    /** One multiplier of the base channels per residual downsampling block. */
    public int[] channelMultipliers() {
        return multipliers.clone();
    }

    /** {@link SpatialRank#TWO} for images, {@link SpatialRank#THREE} for videos. */
    public SpatialRank spatialRank() {
        return rank;
    }

    /** One flag per block: whether it also halves time (all false for images). */
    public boolean[] temporalDownsampling() {
        return temporal.clone();
    }

    /** How much the blocks shrink H and W: {@code 2^n} for n blocks. */
    public int downsamplingFactor() {
        return 1 << multipliers.length;
    }

    /** How much the blocks shrink T: {@code 2^k} for the k blocks that halve time (1 for images). */
    public int temporalFactor() {
        int f = 1;
        for (boolean t : temporal) {
            f *= t ? 2 : 1;
        }
        return f;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        check(x.getShape());
        checkFeatures(x.getShape());
        NDArray h = leaky(run(stem, ps, x, training));
        for (Block block : blocks) {
            h = run(block, ps, h, training);
        }
        h = leaky(run(last, ps, h, training));
        h = h.reshape(h.getShape().get(0), -1);            // (B, ch_n * t * h * w)
        h = leaky(run(dense, ps, h, training));
        return new NDList(run(logit, ps, h, training));     // (B, 1)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        check(s);
        stem.initialize(manager, dataType, s);
        Shape h = stem.getOutputShapes(new Shape[] {s})[0];
        for (Block block : blocks) {
            block.initialize(manager, dataType, h);
            h = block.getOutputShapes(new Shape[] {h})[0];
        }
        last.initialize(manager, dataType, h);
        Shape flat = new Shape(s.get(0), h.size() / h.get(0));
        dense.initialize(manager, dataType, flat);
        logit.initialize(manager, dataType, dense.getOutputShapes(new Shape[] {flat})[0]);
    }

    private void check(Shape s) {
        String other = rank == SpatialRank.TWO ? "THREE" : "TWO";
        Checks.require(rank.matches(s) && s.get(1) == inputChannels,
                "StyleGanDiscriminator expects %s (B, %d%s), got shape %s; set optInputChannels(C) for other channels "
                        + "and optSpatialRank(SpatialRank.%s) for %s", rank.inputs(), inputChannels,
                rank == SpatialRank.TWO ? ", H, W" : ", T, H, W", Checks.describe(s), other,
                rank == SpatialRank.TWO ? "videos (B, C, T, H, W)" : "images (B, C, H, W)");
        int space = downsamplingFactor();
        int time = temporalFactor();
        long height = s.get(s.dimension() - 2);
        long width = s.get(s.dimension() - 1);
        boolean timeDivides = rank == SpatialRank.TWO || s.get(2) % time == 0;
        Checks.require(height > 0 && width > 0 && height % space == 0 && width % space == 0 && timeDivides,
                "StyleGanDiscriminator with %d blocks halves H and W %d times, so they must be multiples of %d%s, "
                        + "got shape %s; crop or pad the input, or use fewer blocks (optChannelMultipliers)%s",
                multipliers.length, multipliers.length, space,
                time == 1 ? "" : String.format(" and T a multiple of %d (optTemporalDownsampling%s)", time,
                        Arrays.toString(temporal)), Checks.describe(s),
                time == 1 ? "" : " or halve time in fewer blocks");
    }

    /** The dense layer's width is fixed at initialization: the input must leave as many features as it takes. */
    private void checkFeatures(Shape s) {
        Parameter weight = dense.getParameters().get("weight");   // (ch_n, features)
        if (!weight.isInitialized()) {
            return;   // DJL initializes in training mode, or says so
        }
        long positions = s.get(s.dimension() - 1) / downsamplingFactor() * (s.get(s.dimension() - 2) / downsamplingFactor())
                * (rank == SpatialRank.TWO ? 1 : s.get(2) / temporalFactor());
        long channels = (long) baseChannels * multipliers[multipliers.length - 1];
        long expected = weight.getArray().getShape().get(1);
        Checks.require(channels * positions == expected,
                "StyleGanDiscriminator's dense layer was initialized for %d features (%d channels x %d positions after "
                        + "the blocks), got shape %s, which gives %d; judge %s of the size it was initialized for, or "
                        + "build and initialize one for this size", expected, channels, expected / channels,
                Checks.describe(s), channels * positions, rank.inputs());
    }

    private static NDArray run(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    private static NDArray leaky(NDArray x) {
        return Activation.leakyRelu(x, SLOPE);
    }

    @Override
    public String toString() {
        return String.format("StyleGanDiscriminator(%s, %d -> 1 channels, base %d, multipliers %s, time halved %s)",
                rank.inputs(), inputChannels, baseChannels, Arrays.toString(multipliers), Arrays.toString(temporal));
    }

    /** One residual block that halves the resolution: the diagram's middle rows. */
    private static final class ResidualDownBlock extends AbstractBlock {

        private static final float INVERSE_SQRT2 = (float) (1 / Math.sqrt(2));

        private final int outChannels;
        private final BlurDownsample blur;
        private final Block conv1;
        private final Block conv2;
        private final Block shortcut;

        ResidualDownBlock(SpatialRank rank, int inChannels, int outChannels, boolean halveTime) {
            this.outChannels = outChannels;
            boolean[] halved = new boolean[rank.axes()];
            Arrays.fill(halved, true);
            halved[0] = rank == SpatialRank.TWO || halveTime;   // the first axis of a video is time
            this.blur = new BlurDownsample(rank, halved);
            this.conv1 = addChildBlock("conv1", rank.sameConvolution(inChannels, 3));
            this.conv2 = addChildBlock("conv2", rank.sameConvolution(outChannels, 3));
            this.shortcut = addChildBlock("shortcut",
                    rank.convolution(outChannels, rank.uniform(1), rank.uniform(1), rank.uniform(0), false));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray h = leaky(run(conv1, ps, x, training));
            h = leaky(run(conv2, ps, blur.apply(h), training));
            NDArray skip = run(shortcut, ps, blur.apply(x), training);
            return new NDList(h.add(skip).mul(INVERSE_SQRT2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            long[] s = blur.outputShape(inputShapes[0]).getShape();
            s[1] = outChannels;
            return new Shape[] {new Shape(s)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            conv1.initialize(manager, dataType, x);
            Shape down = blur.outputShape(x);
            conv2.initialize(manager, dataType, down);
            shortcut.initialize(manager, dataType, down);
        }
    }

    /** Builder: every setting is optional; the defaults judge 32x32 one-channel images. */
    public static final class Builder {
        private int inputChannels = 1;
        private int baseChannels = 32;
        private int[] multipliers = {1, 2, 2};
        private SpatialRank rank = SpatialRank.TWO;
        private boolean[] temporal;

        /** Channels of the images or videos to judge (default 1; 3 for RGB). */
        public Builder optInputChannels(int inputChannels) {
            this.inputChannels = inputChannels;
            return this;
        }

        /** Channels of the first convolution (default 32; MAGVIT uses its encoder's 64 or 128). */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /**
         * One residual downsampling block per entry, with {@code base * m} output channels (default 1, 2, 2:
         * 32x32 to 4x4; MAGVIT 2, 4, 4, 4, 4).
         */
        public Builder optChannelMultipliers(int... multipliers) {
            this.multipliers = multipliers == null ? null : multipliers.clone();
            return this;
        }

        /** {@link SpatialRank#TWO} for images (default), {@link SpatialRank#THREE} for videos. */
        public Builder optSpatialRank(SpatialRank rank) {
            this.rank = rank;
            return this;
        }

        /**
         * For videos: one flag per block, true where that block also halves time (default: none does,
         * as for short clips; MAGVIT halves time in every block).
         */
        public Builder optTemporalDownsampling(boolean... temporal) {
            this.temporal = temporal == null ? null : temporal.clone();
            return this;
        }

        public StyleGanDiscriminator build() {
            Checks.require(inputChannels >= 1, "StyleGanDiscriminator expects optInputChannels >= 1, got %d; use 1 for "
                    + "grey, 3 for RGB", inputChannels);
            Checks.require(baseChannels >= 1, "StyleGanDiscriminator expects optBaseChannels >= 1, got %d; the default is 32",
                    baseChannels);
            Checks.require(multipliers != null && multipliers.length >= 1 && Arrays.stream(multipliers).allMatch(m -> m >= 1),
                    "StyleGanDiscriminator expects optChannelMultipliers with at least one entry, each >= 1, got %s; "
                            + "e.g. optChannelMultipliers(1, 2, 2)", Arrays.toString(multipliers));
            Checks.require(multipliers.length <= 16, "StyleGanDiscriminator expects at most 16 blocks (each halves H and W), "
                    + "got %d multipliers", multipliers.length);
            Checks.require(rank != null, "StyleGanDiscriminator optSpatialRank needs SpatialRank.TWO or SpatialRank.THREE, got null");
            Checks.require(temporal == null || rank == SpatialRank.THREE,
                    "StyleGanDiscriminator optTemporalDownsampling applies to videos, got it with optSpatialRank(%s); "
                            + "set optSpatialRank(SpatialRank.THREE) or drop optTemporalDownsampling", rank);
            Checks.require(temporal == null || temporal.length == multipliers.length,
                    "StyleGanDiscriminator optTemporalDownsampling needs one flag per block (%d for multipliers %s), got %d: %s",
                    multipliers.length, Arrays.toString(multipliers), temporal == null ? 0 : temporal.length,
                    Arrays.toString(temporal));
            return new StyleGanDiscriminator(this);
        }
    }
}
