package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;

/**
 * Group normalization whose scale and shift come from the quantized latents, as in the decoder of
 * MAGVIT-v2 (Yu et al. 2023, arXiv 2310.05737, Section 3.2: "adaptive group normalization ... passing
 * the quantized latents as the control signal", after StyleGAN's adaptive instance norm):
 *
 * <pre>
 *   out = GroupNorm(x) * (1 + scale(z)) + shift(z)
 * </pre>
 *
 * where {@code scale} and {@code shift} are 1x1x1 convolutions of the latents {@code z}
 * ({@code D -> C} channels), resized to the feature's {@code (T, H, W)} by {@link #resizeLatents}
 * (nearest, in the causal layout). The inputs are {@code NDList(x, z)}: features {@code x}
 * {@code (B, C, T, H, W)} and latents {@code z} {@code (B, D, t, h, w)}; the output has {@code x}'s shape.
 * Each position is modulated by the latent it was decoded from, so the modulation varies over
 * space and time; some public code instead modulates each channel by a linear map of the latents'
 * mean and standard deviation over all positions.
 *
 * <p>The modulation starts at zero: {@code scale_weight} {@code (C, D, 1, 1, 1)}, {@code scale_bias}
 * {@code (C)}, {@code shift_weight} and {@code shift_bias} are of {@code Parameter.Type.OTHER} with a
 * zero initializer, so a new block computes exactly its {@code GroupNorm} (child {@code norm}, with
 * its own {@code gamma} and {@code beta}), and a decoder starts as its unconditioned twin. A
 * training configuration's initializers for weights and biases do not reach them; to start
 * elsewhere, call {@code setInitializer(initializer, "scale_weight")}.
 *
 * <p>The normalization statistics span every frame, as the paper's GroupNorm does, so the output's
 * first frame depends on later feature frames through the mean and variance; the modulation itself
 * is causal (frame {@code i} reads latent frame {@code ceil(i / s)} only).
 *
 * <pre>{@code
 * jshell> var norm = AdaptiveGroupNorm.builder().setGroups(8).setChannels(64).setLatentChannels(18).build();
 * jshell> norm.initialize(manager, DataType.FLOAT32, new Shape(2, 64, 9, 16, 16), new Shape(2, 18, 3, 4, 4));
 * }</pre>
 */
public final class AdaptiveGroupNorm extends AbstractBlock {

    private final int channels;
    private final int latentChannels;
    private final GroupNorm norm;
    private final Parameter scaleWeight;
    private final Parameter scaleBias;
    private final Parameter shiftWeight;
    private final Parameter shiftBias;

    private AdaptiveGroupNorm(Builder b) {
        this.channels = b.channels;
        this.latentChannels = b.latentChannels;
        this.norm = addChildBlock("norm", GroupNorm.builder().setGroups(b.groups).setChannels(channels).optEps(b.eps).build());
        Shape kernel = new Shape(channels, latentChannels, 1, 1, 1);
        this.scaleWeight = addParameter(modulation("scale_weight", kernel));
        this.scaleBias = addParameter(modulation("scale_bias", new Shape(channels)));
        this.shiftWeight = addParameter(modulation("shift_weight", kernel));
        this.shiftBias = addParameter(modulation("shift_bias", new Shape(channels)));
    }

    private static Parameter modulation(String name, Shape shape) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(Initializer.ZEROS).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Channels {@code C} of the features. */
    public int channels() {
        return channels;
    }

    /** Channels {@code D} of the latents. */
    public int latentChannels() {
        return latentChannels;
    }

    /** The group normalization before the modulation (its {@code gamma} and {@code beta} are its own). */
    public GroupNorm groupNorm() {
        return norm;
    }

    /**
     * Latents {@code (B, D, t, h, w)} resized by nearest neighbour to {@code (B, D, T, H, W)} in the
     * causal layout: {@code H = a*h}, {@code W = b*w}, and in time either {@code T = t} or
     * {@code T - 1 = s*(t - 1)}, where frame 0 takes latent frame 0 and frames {@code s*(m-1) + 1 ... s*m}
     * take latent frame {@code m} ({@code out[.., i, y, x] = z[.., ceil(i / s), y / a, x / b]}). A new
     * array on {@code z}'s manager (or {@code z} itself when nothing changes); differentiable.
     *
     * @throws IllegalArgumentException when {@code target} is not such a multiple of {@code z}'s shape
     */
    public static NDArray resizeLatents(NDArray z, Shape target) {
        Checks.notNull(z, "latents");
        checkSizes(z.getShape(), target);
        long t = z.getShape().get(2);
        long s = t == target.get(0) ? 1 : (target.get(0) - 1) / (t - 1);
        NDArray out = z;
        if (s > 1) {
            NDArray first = z.get(new NDIndex().addAllDim(2).addSliceDim(0, 1));        // latent frame 0: frame 0 alone
            NDArray rest = z.get(new NDIndex().addAllDim(2).addSliceDim(1, t)).repeat(2, s);   // each later frame s times
            out = NDArrays.concat(new NDList(first, rest), 2);
            first.close(); // the graph keeps what backward needs
            rest.close();
        }
        for (int axis = 3; axis <= 4; axis++) {
            long factor = target.get(axis - 2) / z.getShape().get(axis);
            if (factor > 1) {
                NDArray repeated = out.repeat(axis, factor);
                if (out != z) {
                    out.close();
                }
                out = repeated;
            }
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Checks.require(inputs.size() == 2, "AdaptiveGroupNorm expects NDList(features, latents), got %d arrays; pass "
                + "the quantized latents as the second input", inputs.size());
        NDArray x = inputs.get(0);                                              // (B, C, T, H, W)
        NDArray z = inputs.get(1);                                              // (B, D, t, h, w)
        checkInputs(x.getShape(), z.getShape());
        NDArray normalized = norm.forward(ps, new NDList(x), training).singletonOrThrow();
        Shape target = x.getShape().slice(2);
        NDArray scale = modulation(ps, z, scaleWeight, scaleBias, target, training);   // (B, C, T, H, W)
        NDArray shift = modulation(ps, z, shiftWeight, shiftBias, target, training);
        NDArray factor = scale.add(1f);
        NDArray scaled = normalized.mul(factor);
        NDArray out = scaled.add(shift);
        for (NDArray temporary : new NDArray[] {normalized, scale, shift, factor, scaled}) {
            temporary.close(); // the graph keeps what backward needs
        }
        return new NDList(out);
    }

    /** One modulation at the features' size {@code target (T, H, W)}: projected at the latents' size, then resized. */
    private NDArray modulation(ParameterStore ps, NDArray z, Parameter weight, Parameter bias, Shape target,
            boolean training) {
        NDArray projected = project(ps, z, weight, bias, training);            // (B, C, t, h, w)
        NDArray resized = resizeLatents(projected, target);                     // (B, C, T, H, W)
        if (resized != projected) {
            projected.close();
        }
        return resized;
    }

    /** A 1x1x1 convolution of the latents at their own size, {@code (B, D, t, h, w) -> (B, C, t, h, w)}: resized after. */
    private NDArray project(ParameterStore ps, NDArray z, Parameter weight, Parameter bias, boolean training) {
        NDArray w = ps.getValue(weight, z.getDevice(), training);
        NDArray b = ps.getValue(bias, z.getDevice(), training);
        Shape ones = new Shape(1, 1, 1);
        return Conv3d.conv3d(z, w, b, ones, new Shape(0, 0, 0), ones, 1).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        Checks.require(inputShapes.length == 2, "AdaptiveGroupNorm initializes for two shapes, features (B, C, T, H, W) "
                + "and latents (B, D, t, h, w), got %d", inputShapes.length);
        checkInputs(inputShapes[0], inputShapes[1]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes[0]);
    }

    private void checkInputs(Shape x, Shape z) {
        Checks.require(x.dimension() == 5 && x.get(1) == channels, "AdaptiveGroupNorm(channels=%d) expects features "
                + "(B, %d, T, H, W), got %s; build it with setChannels(%s)", channels, channels, Checks.describe(x),
                x.dimension() >= 2 ? String.valueOf(x.get(1)) : "C");
        Checks.require(z.dimension() == 5 && z.get(1) == latentChannels && z.get(0) == x.get(0), "AdaptiveGroupNorm"
                        + "(latentChannels=%d) expects latents (%d, %d, t, h, w), batch as the features %s, got %s; build "
                        + "it with setLatentChannels(D) for latents of D channels", latentChannels, x.get(0), latentChannels,
                Checks.describe(x), Checks.describe(z));
        checkSizes(z, x.slice(2));
    }

    /** Fails unless latents {@code z} resize to {@code target (T, H, W)} (see {@link #resizeLatents}). */
    private static void checkSizes(Shape z, Shape target) {
        Checks.require(z.dimension() == 5 && target.dimension() == 3, "AdaptiveGroupNorm resizes latents (B, D, t, h, w) "
                + "to a size (T, H, W), got latents %s and size %s", Checks.describe(z), Checks.describe(target));
        long t = z.get(2);
        long frames = target.get(0);
        boolean time = frames == t || t > 1 && frames > t && (frames - 1) % (t - 1) == 0;
        Checks.require(time, "AdaptiveGroupNorm expects features of T = 1 + s*(t - 1) frames for latents of t = %d "
                        + "(the causal layout: frame 0, then s frames per latent frame), got T = %d; decode %s frames",
                t, frames, t == 1 ? "1" : "1 + s*" + (t - 1));
        for (int axis = 1; axis <= 2; axis++) {
            long size = target.get(axis);
            long latent = z.get(2 + axis);
            Checks.require(latent >= 1 && size >= latent && size % latent == 0, "AdaptiveGroupNorm expects the features' "
                            + "%s a multiple of the latents' (%d), got %d; features %s, latents %s",
                    axis == 1 ? "H" : "W", latent, size, Checks.describe(target), Checks.describe(z));
        }
    }

    /** Builder: {@code setGroups}, {@code setChannels} and {@code setLatentChannels} are required. */
    public static final class Builder {
        private int groups;
        private int channels;
        private int latentChannels;
        private float eps = 1e-6f;

        /** GroupNorm groups; must divide the channel count. */
        public Builder setGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Channels {@code C} of the features {@code (B, C, T, H, W)}. */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Channels {@code D} of the latents {@code (B, D, t, h, w)} (the quantizer's code dimension). */
        public Builder setLatentChannels(int latentChannels) {
            this.latentChannels = latentChannels;
            return this;
        }

        /** Added to the variance before the square root (default 1e-6, as {@link GroupNorm}). */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        public AdaptiveGroupNorm build() {
            Checks.require(latentChannels >= 1, "AdaptiveGroupNorm needs setLatentChannels(d) with d >= 1, got %d",
                    latentChannels);
            GroupNorm.builder().setGroups(groups).setChannels(channels).optEps(eps).build();   // checks groups, channels, eps
            return new AdaptiveGroupNorm(this);
        }
    }
}
