package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm transformer block (GPT-2's), {@code (B, L, C) -> (B, L, C)}:
 * <pre>
 *   x = x + attention(layerNorm1(x), mask)      multi-head, see {@link MaskedSelfAttention}
 *   x = x + mlp(layerNorm2(x))                  C -> 4C -> GELU -> C
 * </pre>
 * The mask makes it a GPT layer ({@link AttentionMask#CAUSAL}), a bidirectional MaskGIT/MAGVIT
 * layer ({@link AttentionMask#FULL}) or a prefix-LM layer ({@link AttentionMask#prefix}).
 * Normalizing before each sub-layer (rather than after, as the original Transformer did) keeps a
 * clean residual path from the embeddings to the head and trains without warm-up at small sizes.
 */
public final class TransformerLayer extends AbstractBlock {

    private final AttentionMask defaultMask;
    private final LayerNorm attentionNorm;
    private final MaskedSelfAttention attention;
    private final LayerNorm mlpNorm;
    private final Linear expand;
    private final Linear contract;
    private final Dropout mlpDropout;

    /**
     * A block of {@code width} features with {@code heads} attention heads and {@code dropout} (0 for
     * none); {@code defaultMask} is the mask of {@link #forward(ParameterStore, NDList, boolean)}
     * (DJL's entry point).
     */
    public TransformerLayer(int width, int heads, float dropout, AttentionMask defaultMask) {
        this(width, heads, dropout, dropout, defaultMask);
    }

    /**
     * Like {@link #TransformerLayer(int, int, float, AttentionMask)} with {@code attentionDropout} on
     * the attention weights and {@code dropout} on the residual branches.
     */
    public TransformerLayer(int width, int heads, float dropout, float attentionDropout, AttentionMask defaultMask) {
        this.defaultMask = defaultMask;
        this.attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
        this.attention = addChildBlock("attention", new MaskedSelfAttention(width, heads, dropout, attentionDropout, defaultMask));
        this.mlpNorm = addChildBlock("mlpNorm", LayerNorm.builder().axis(2).build());
        this.expand = addChildBlock("expand", Linear.builder().setUnits(4L * width).build());
        this.contract = addChildBlock("contract", Linear.builder().setUnits(width).build());
        this.mlpDropout = addChildBlock("mlpDropout", Dropout.builder().optRate(dropout).build());
    }

    /** The two linear layers that write into the residual stream (GPT-2 scales their initialization). */
    public Linear[] residualProjections() {
        return new Linear[] {attention.projection(), contract};
    }

    /**
     * {@code x (B, L, C)} through the block under {@code mask}, {@code (B, L, C)} owned by {@code x}'s
     * manager; {@code cache} (may be null) receives this layer's keys and values under {@code layer}.
     */
    public NDArray forward(ParameterStore ps, NDArray x, AttentionMask mask, KvCache cache, int layer, boolean training) {
        NDArray h = attentionNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        x = x.add(attention.forward(ps, h, mask, cache, layer, training));
        h = mlpNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        h = expand.forward(ps, new NDList(h), training).singletonOrThrow();   // (B, L, 4C)
        h = contract.forward(ps, new NDList(Activation.gelu(h)), training).singletonOrThrow();
        return x.add(mlpDropout.forward(ps, new NDList(h), training).singletonOrThrow());
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
        Shape x = inputShapes[0];
        attentionNorm.initialize(manager, dataType, x);
        attention.initialize(manager, dataType, x);
        mlpNorm.initialize(manager, dataType, x);
        expand.initialize(manager, dataType, x);
        contract.initialize(manager, dataType, expand.getOutputShapes(new Shape[] {x})[0]);
        mlpDropout.initialize(manager, dataType, x);
    }
}
