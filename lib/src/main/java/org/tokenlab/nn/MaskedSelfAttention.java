package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scalars;

/**
 * Multi-head self-attention over a sequence, with an {@link AttentionMask} saying which positions
 * each position may see: one linear layer makes queries, keys and values,
 * {@code softmax(q k^T / sqrt(headDim) + mask)} weighs the values per head, a second linear layer
 * projects the heads back to the width. {@link AttentionMask#CAUSAL} gives GPT-2's attention,
 * {@link AttentionMask#FULL} the bidirectional attention of MaskGIT, {@link AttentionMask#prefix}
 * a prefix LM's.
 *
 * <p>{@link #forward} maps {@code (B, L, C)} to {@code (B, L, C)}. With a {@link KvCache} the
 * {@code L} inputs are the positions {@code t0 .. t0 + L - 1} after the {@code t0} cached ones; their
 * keys and values are written into the cache and the queries attend to all {@code t0 + L} positions
 * the mask lets them see.
 *
 * <pre>{@code
 * jshell> var attention = new MaskedSelfAttention(64, 4, 0f, AttentionMask.FULL);
 * jshell> attention.initialize(manager, DataType.FLOAT32, new Shape(2, 16, 64));
 * jshell> NDArray y = attention.forward(ps, x, AttentionMask.CAUSAL, null, 0, false);   // x (2, 16, 64) -> (2, 16, 64)
 * }</pre>
 */
public final class MaskedSelfAttention extends AbstractBlock {

    private final int width;
    private final int heads;
    private final AttentionMask defaultMask;
    private final Linear queryKeyValue;
    private final Linear projection;
    private final Dropout attentionDropout;
    private final Dropout residualDropout;

    /**
     * Attention over {@code width} features split into {@code heads} heads ({@code width % heads == 0}),
     * with {@code dropout} on the attention weights and the output (0 for none); {@code defaultMask} is
     * the mask of {@link #forward(ParameterStore, NDList, boolean)} (DJL's entry point).
     */
    public MaskedSelfAttention(int width, int heads, float dropout, AttentionMask defaultMask) {
        this(width, heads, dropout, dropout, defaultMask);
    }

    /**
     * Like {@link #MaskedSelfAttention(int, int, float, AttentionMask)} with separate rates: {@code
     * attentionDropout} on the {@code (B, heads, L, L)} attention weights, {@code dropout} on the
     * output. On a CPU the weights' dropout is the dearer one: it draws {@code B * heads * L^2} random
     * numbers a layer on one thread (see docs/BENCHMARKS.md).
     */
    public MaskedSelfAttention(int width, int heads, float dropout, float attentionDropout, AttentionMask defaultMask) {
        Checks.require(width >= 1 && heads >= 1 && width % heads == 0,
                "MaskedSelfAttention needs a width divisible by the number of heads, got width %d and %d heads", width, heads);
        this.width = width;
        this.heads = heads;
        this.defaultMask = Checks.notNull(defaultMask, "defaultMask");
        this.queryKeyValue = addChildBlock("queryKeyValue", Linear.builder().setUnits(3L * width).build());
        this.projection = addChildBlock("projection", Linear.builder().setUnits(width).build());
        this.attentionDropout = addChildBlock("attentionDropout", Dropout.builder().optRate(attentionDropout).build());
        this.residualDropout = addChildBlock("residualDropout", Dropout.builder().optRate(dropout).build());
    }

    /** The output projection, which writes into the residual stream (GPT-2 scales its initialization with the depth). */
    public Linear projection() {
        return projection;
    }

    /** Number of heads. */
    public int heads() {
        return heads;
    }

    /**
     * Attention of {@code x (B, L, C)} under {@code mask}, {@code (B, L, C)}; {@code cache} may be null
     * (then the positions are {@code 0 .. L-1}), otherwise this layer's keys and values go into it
     * under {@code layer}. The result belongs to {@code x}'s manager.
     *
     * @throws IllegalArgumentException for an explicit mask of a shape other than {@code (L, S)} or
     *     {@code (B, L, S)} with {@code S = cache.length() + L}
     */
    public NDArray forward(ParameterStore ps, NDArray x, AttentionMask mask, KvCache cache, int layer, boolean training) {
        Checks.rank(x, "MaskedSelfAttention input (B, L, C)", 3);
        Checks.notNull(mask, "mask");
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);
        long headDim = width / heads;
        NDArray qkv = queryKeyValue.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, L, 3C)
        qkv = qkv.reshape(b, l, 3, heads, headDim).transpose(2, 0, 3, 1, 4);                  // (3, B, heads, L, headDim)
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        long start = 0;
        if (cache != null) {
            start = cache.length();
            NDList all = cache.append(layer, k, v); // (B, heads, t0 + L, headDim)
            k = all.get(0);
            v = all.get(1);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.of(q, 1.0 / Math.sqrt(headDim))); // (B, heads, L, t0 + L)
        NDArray additive = mask.additive(x.getManager(), b, start, l, start + l); // (L, S) or (B, 1, L, S); null for FULL
        if (additive != null) {
            scores = scores.add(additive);
        }
        NDArray weights = attentionDropout.forward(ps, new NDList(scores.softmax(-1)), training).singletonOrThrow();
        NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, width);          // (B, L, C)
        y = projection.forward(ps, new NDList(y), training).singletonOrThrow();
        return residualDropout.forward(ps, new NDList(y), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), defaultMask, null, 0, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        queryKeyValue.initialize(manager, dataType, inputShapes[0]);
        projection.initialize(manager, dataType, inputShapes[0]);
        attentionDropout.initialize(manager, dataType, inputShapes[0]);
        residualDropout.initialize(manager, dataType, inputShapes[0]);
    }
}
