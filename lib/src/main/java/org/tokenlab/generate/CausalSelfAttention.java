package org.tokenlab.generate;

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
 * Multi-head self-attention where position {@code i} attends to positions {@code <= i} only, as in
 * GPT-2: one linear layer makes queries, keys and values, {@code softmax(q k^T / sqrt(headDim))}
 * weighs the values, a second linear layer projects the heads back to the width.
 *
 * <p>{@link #forward} maps {@code (B, L, C)} to {@code (B, L, C)}. With a {@link KvCache} the
 * {@code L} inputs are the positions {@code t0 .. t0 + L - 1} after the {@code t0} cached ones; their
 * keys and values are appended to the cache and the queries attend to all {@code t0 + L} positions.
 */
public final class CausalSelfAttention extends AbstractBlock {

    // added to the scores of future positions; exp() of it is exactly 0 in float32
    private static final float MASKED = -1e9f;

    private final int width;
    private final int heads;
    private final Linear queryKeyValue;
    private final Linear projection;
    private final Dropout attentionDropout;
    private final Dropout residualDropout;

    /** Attention over {@code width} features split into {@code heads} heads; {@code width % heads == 0}. */
    public CausalSelfAttention(int width, int heads, float dropout) {
        Checks.require(width >= 1 && heads >= 1 && width % heads == 0,
                "CausalSelfAttention needs a width divisible by the number of heads, got width %d and %d heads", width, heads);
        this.width = width;
        this.heads = heads;
        this.queryKeyValue = addChildBlock("queryKeyValue", Linear.builder().setUnits(3L * width).build());
        this.projection = addChildBlock("projection", Linear.builder().setUnits(width).build());
        this.attentionDropout = addChildBlock("attentionDropout", Dropout.builder().optRate(dropout).build());
        this.residualDropout = addChildBlock("residualDropout", Dropout.builder().optRate(dropout).build());
    }

    /** The output projection, whose initialization GPT-2 scales with the depth. */
    Linear projection() {
        return projection;
    }

    /**
     * Attention of {@code x (B, L, C)}; {@code cache} may be null (then the positions are 0..L-1),
     * otherwise this layer's keys and values are appended to it under {@code layer}.
     */
    public NDArray forward(ParameterStore ps, NDArray x, KvCache cache, int layer, boolean training) {
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
        scores = scores.add(causalMask(x.getManager(), start, l, start + l));
        NDArray weights = attentionDropout.forward(ps, new NDList(scores.softmax(-1)), training).singletonOrThrow();
        NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, width);          // (B, L, C)
        y = projection.forward(ps, new NDList(y), training).singletonOrThrow();
        return residualDropout.forward(ps, new NDList(y), training).singletonOrThrow();
    }

    /** {@code (L, S)}: 0 where query position {@code start + i} may see key position {@code j}, a large negative number where {@code j} is in its future. */
    private static NDArray causalMask(NDManager manager, long start, long queries, long keys) {
        NDArray queryPositions = manager.arange((int) start, (int) (start + queries), 1, DataType.INT64).reshape(queries, 1);
        NDArray keyPositions = manager.arange(0, (int) keys, 1, DataType.INT64).reshape(1, keys);
        return keyPositions.gt(queryPositions).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), null, 0, training));
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
