package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
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
        NDArray grouped = x.reshape(shape.get(0), groups, -1);                 // (B, G, C/G * spatial)
        NDArray centered = grouped.sub(grouped.mean(new int[] {2}, true));    // (B, G, n)
        NDArray variance = centered.square().mean(new int[] {2}, true);       // (B, G, 1)
        NDArray normalized = centered.div(variance.add(eps).sqrt()).reshape(shape);
        Shape perChannel = perChannelShape(shape.dimension());                // (1, C, 1, ...)
        NDArray g = ps.getValue(gamma, x.getDevice(), training).reshape(perChannel);
        NDArray b = ps.getValue(beta, x.getDevice(), training).reshape(perChannel);
        return new NDList(normalized.mul(g).add(b));
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

    private Shape perChannelShape(int rank) {
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        dims[1] = channels;
        return new Shape(dims);
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
