package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Frames;

/**
 * Single-head self-attention over the {@code H * W} positions of a feature map, with a residual
 * connection, as VQGAN's {@code AttnBlock}: {@code h = GroupNorm(x)}; 1x1 convolutions give
 * {@code q, k, v}; each position attends to every position with weights
 * {@code softmax(q . k / sqrt(C))}; a 1x1 output projection and {@code x + out}.
 *
 * <p>Input and output {@code (B, C, H, W)}; a clip of feature maps {@code (B, C, T, H, W)} is
 * attended frame by frame (each frame's positions attend to that frame only), which is exactly the
 * 2D block applied to every frame: what a 3D model inflated from a 2D VQGAN needs to reproduce the
 * 2D features (MAGVIT's own 3D tokenizer has no attention). The attention matrix is {@code (B, HW, HW)}, so use it
 * at low resolutions (VQGAN: 16x16). Without the residual it is permutation-equivariant over the
 * positions: shuffling the pixels shuffles the output the same way.
 *
 * <pre>{@code
 * jshell> var attention = SelfAttention2d.builder().setChannels(64).build();
 * jshell> attention.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 8, 8));   // output (8, 64, 8, 8)
 * }</pre>
 */
public final class SelfAttention2d extends AbstractBlock {

    private final int channels;
    private final Block norm;
    private final Block query;
    private final Block key;
    private final Block value;
    private final Block projection;

    private SelfAttention2d(Builder b) {
        this.channels = b.channels;
        this.norm = addChildBlock("norm", GroupNorm.builder().setGroups(b.groups).setChannels(channels).build());
        this.query = addChildBlock("q", ResidualBlock.conv(channels, 1));
        this.key = addChildBlock("k", ResidualBlock.conv(channels, 1));
        this.value = addChildBlock("v", ResidualBlock.conv(channels, 1));
        this.projection = addChildBlock("proj_out", ResidualBlock.conv(channels, 1));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int channels() {
        return channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        checkInput(input.getShape());
        if (input.getShape().dimension() == 5) {                     // (B, C, T, H, W): each frame on its own
            NDArray out = attend(ps, Frames.of(input), training);     // (B*T, C, H, W)
            return new NDList(Frames.toClips(out, input.getShape()));
        }
        return new NDList(attend(ps, input, training));
    }

    /** Attention over the positions of {@code x (B, C, H, W)}, plus {@code x}. */
    private NDArray attend(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        NDList inputs = new NDList(x);
        long b = s.get(0);
        long positions = s.get(2) * s.get(3);
        NDList h = norm.forward(ps, inputs, training);
        NDArray q = query.forward(ps, h, training).singletonOrThrow().reshape(b, channels, positions); // (B, C, N)
        NDArray k = key.forward(ps, h, training).singletonOrThrow().reshape(b, channels, positions);   // (B, C, N)
        NDArray v = value.forward(ps, h, training).singletonOrThrow().reshape(b, channels, positions); // (B, C, N)
        // the scale is a tensor that owns its memory: DJL's div(Number) wraps a Java buffer that is
        // closed right away, and backward later reads garbage from it (random NaN gradients)
        NDArray scale = x.getManager().full(new Shape(), (float) (1 / Math.sqrt(channels)), x.getDataType());
        boolean recording = Autograd.isRecording(x);                                                  // else in place
        NDArray products = q.transpose(0, 2, 1).matMul(k);                                           // (B, N, N): [query, key]
        NDArray scores = recording ? products.mul(scale) : products.muli(scale);
        NDArray weights = scores.softmax(2);                                                          // rows sum to 1
        NDArray attended = v.matMul(weights.transpose(0, 2, 1)).reshape(s);                            // (B, C, H, W)
        NDArray out = projection.forward(ps, new NDList(attended), training).singletonOrThrow();
        return recording ? x.add(out) : out.addi(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        checkInput(s);
        if (s.dimension() == 5) {
            s = new Shape(s.get(0) * s.get(2), s.get(1), s.get(3), s.get(4));
        }
        for (Block block : new Block[] {norm, query, key, value, projection}) {
            block.initialize(manager, dataType, s);
        }
    }

    private void checkInput(Shape s) {
        Checks.require((s.dimension() == 4 || s.dimension() == 5) && s.get(1) == channels,
                "SelfAttention2d(%d channels) expects feature maps (B, %d, H, W) or clips of them (B, %d, T, H, W), got %s",
                channels, channels, channels, Checks.describe(s));
    }

    /** Builder: {@code setChannels} is required. */
    public static final class Builder {
        private int channels;
        private int groups = 32;

        /** Channels {@code C} of the feature map (also the query/key size). */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /** GroupNorm groups (default 32, as in VQGAN); must divide the channel count. */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        public SelfAttention2d build() {
            Checks.require(channels >= 1, "SelfAttention2d needs setChannels(c) with c >= 1, got %d", channels);
            Checks.require(groups >= 1 && channels % groups == 0,
                    "SelfAttention2d needs optGroups to divide the %d channels, got %d groups", channels, groups);
            return new SelfAttention2d(this);
        }
    }
}
