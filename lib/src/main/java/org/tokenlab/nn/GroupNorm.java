package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;

/**
 * Group normalization (Wu and He, 2018): the channels are split into {@code groups} groups and each
 * sample's group is normalized to mean 0 and variance 1 over its channels and all spatial
 * positions, then scaled and shifted per channel by a learnable {@code gamma} (initialized to 1)
 * and {@code beta} (initialized to 0). Unlike batch norm it does not depend on the batch, which is
 * why VQGAN uses it with 32 groups everywhere. DJL has no GroupNorm; this is it.
 *
 * <p>Input {@code (B, C, ...)} of rank 3 or more: {@code (B, C, L)}, images {@code (B, C, H, W)},
 * videos {@code (B, C, T, H, W)}; the output has the same shape. The variance is the biased one
 * (divided by the element count, as PyTorch's {@code group_norm}); {@code eps} defaults to 1e-6
 * as in VQGAN (PyTorch's default is 1e-5).
 *
 * <p>DJL's PyTorch engine exposes no {@code group_norm}, so the forward pass is two fused engine
 * kernels: layer norm over each sample's group, then batch norm in inference mode with mean 0 and
 * variance 1 for the per-channel scale and shift. Written as plain arithmetic (means, differences,
 * square roots, a broadcast multiply and add) the same values took 2.5 to 3 times as long forward
 * and backward on a 2-core CPU (see docs/BENCHMARKS.md).
 *
 * <pre>{@code
 * jshell> var norm = GroupNorm.builder().setGroups(32).setChannels(128).build();
 * jshell> norm.initialize(manager, DataType.FLOAT32, new Shape(2, 128, 16, 16));
 * }</pre>
 */
public final class GroupNorm extends AbstractBlock {

    private final int groups;
    private final int channels;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    private GroupNorm(Builder b) {
        this.groups = b.groups;
        this.channels = b.channels;
        this.eps = b.eps;
        this.gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).build());
        this.beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int groups() {
        return groups;
    }

    public int channels() {
        return channels;
    }

    public float eps() {
        return eps;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        Shape shape = x.getShape();
        long perGroup = shape.slice(1).size() / groups;                      // C/G * spatial values
        NDArray normalized = normalize(x.reshape(shape.get(0), groups, perGroup)).reshape(shape);
        NDArray g = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return new NDList(scaleAndShift(normalized, g, b));
    }

    /**
     * Rows {@code (B, G, n)} to mean 0 and variance 1 along {@code n}: the engine's fused layer norm,
     * one pass forward and one backward (a formula of means, differences and square roots takes about
     * ten of each), with a constant unit scale and zero shift.
     */
    private NDArray normalize(NDArray rows) {
        Shape row = new Shape(rows.getShape().get(2));
        NDManager m = rows.getManager();
        NDArray ones = m.ones(row, rows.getDataType(), rows.getDevice());
        NDArray zeros = m.zeros(row, rows.getDataType(), rows.getDevice());
        return LayerNorm.layerNorm(rows, row, ones, zeros, eps).singletonOrThrow();
    }

    /**
     * {@code x * gamma + beta} per channel (axis 1) as the engine's fused batch norm in inference
     * mode with mean 0, variance 1 and eps 0: one pass forward and one backward (which also gives
     * the gradients of gamma and beta), where a multiply and an add broadcast over the batch and
     * positions take two of each and two reductions.
     */
    private NDArray scaleAndShift(NDArray x, NDArray g, NDArray b) {
        Shape perChannel = new Shape(channels);
        NDManager m = x.getManager();
        NDArray mean = m.zeros(perChannel, x.getDataType(), x.getDevice());
        NDArray variance = m.ones(perChannel, x.getDataType(), x.getDevice());
        return BatchNorm.batchNorm(x, mean, variance, g, b, 1, 0f, 0f, false).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        checkInput(inputShapes[0]);
    }

    private void checkInput(Shape s) {
        Checks.require(s.dimension() >= 3 && s.get(1) == channels,
                "GroupNorm(groups=%d, channels=%d) expects (B, %d, ...) of rank 3 or more, e.g. (B, %d, H, W), got %s; "
                        + "build it with setChannels(%s) or feed %d channels",
                groups, channels, channels, channels, Checks.describe(s),
                s.dimension() >= 2 ? String.valueOf(s.get(1)) : "C", channels);
    }

    /** Builder: {@code setGroups} and {@code setChannels} are required; {@code channels % groups == 0}. */
    public static final class Builder {
        private int groups;
        private int channels;
        private float eps = 1e-6f;

        /** Number of groups (VQGAN: 32); must divide the channel count. */
        public Builder setGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Number of channels {@code C} of the input {@code (B, C, ...)}. */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Added to the variance before the square root (default 1e-6, as in VQGAN). */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        public GroupNorm build() {
            Checks.require(groups >= 1, "GroupNorm needs setGroups(g) with g >= 1, got %d", groups);
            Checks.require(channels >= 1, "GroupNorm needs setChannels(c) with c >= 1, got %d", channels);
            Checks.require(channels % groups == 0,
                    "GroupNorm needs the channel count to be a multiple of the group count, got %d channels and %d groups; "
                            + "choose groups among the divisors of %d (e.g. %d)",
                    channels, groups, channels, largestDivisorAtMost(channels, groups));
            Checks.require(eps > 0 && Float.isFinite(eps), "GroupNorm optEps must be positive and finite, got %s", eps);
            return new GroupNorm(this);
        }

        private static int largestDivisorAtMost(int n, int limit) {
            for (int d = Math.min(n, limit); d > 1; d--) {
                if (n % d == 0) {
                    return d;
                }
            }
            return 1;
        }
    }
}
