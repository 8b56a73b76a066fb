package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.tokenlab.internal.HostValues;
import org.tokenlab.nn.AttentionMask;
import org.tokenlab.nn.KvCache;
import org.tokenlab.nn.TransformerLayer;

/**
 * What the token models of this package share, registered on the model that owns it so that its
 * parameters keep the owner's names ({@code tokenEmbedding}, {@code positionEmbedding},
 * {@code embeddingDropout}, {@code layer0 .. layerN-1}, {@code finalNorm}, {@code head}):
 * <pre>
 *   x = tokenEmbedding[ids] + positionEmbedding[positions]    (B, T, C)
 *   x = layer_n(x, mask) for n in 1..N                        pre-norm attention + MLP
 *   logits = head(layerNorm(x))                               (B, T, outputs)
 * </pre>
 * The mask makes it a GPT ({@link AttentionMask#CAUSAL}) or a bidirectional masked transformer
 * ({@link AttentionMask#FULL}). Initialization follows GPT-2 (see {@link TokenTransformer}).
 */
final class TransformerStack {

    private final AttentionMask mask;
    private final int width;
    private final Parameter tokenEmbedding;    // (tokens, C)
    private final Parameter positionEmbedding; // (positions, C)
    private final Dropout embeddingDropout;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    /** The sizes of a stack: embedding rows, positions, head outputs, and the layers' shape. */
    record Sizes(int tokens, int positions, int outputs, int layers, int heads, int width, float dropout) {}

    /**
     * Registers the stack's parameters and blocks on {@code owner}, in the order that names them,
     * with {@code addParameter} and {@code addChildBlock} being the owner's own methods.
     */
    TransformerStack(Block owner, Sizes sizes, AttentionMask mask, UnaryOperator<Parameter> addParameter,
            BiFunction<String, Block, Block> addChildBlock) {
        this.mask = mask;
        this.width = sizes.width();
        this.tokenEmbedding = addParameter.apply(Parameter.builder().setName("tokenEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(sizes.tokens(), width)).build());
        this.positionEmbedding = addParameter.apply(Parameter.builder().setName("positionEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(sizes.positions(), width)).build());
        this.embeddingDropout = (Dropout) addChildBlock.apply("embeddingDropout", Dropout.builder().optRate(sizes.dropout()).build());
        for (int i = 0; i < sizes.layers(); i++) {
            layers.add((TransformerLayer) addChildBlock.apply("layer" + i,
                    new TransformerLayer(width, sizes.heads(), sizes.dropout(), mask)));
        }
        this.finalNorm = (LayerNorm) addChildBlock.apply("finalNorm", LayerNorm.builder().axis(2).build());
        this.head = (Linear) addChildBlock.apply("head", Linear.builder().setUnits(sizes.outputs()).optBias(false).build());
        owner.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * layers.size()));
        for (TransformerLayer layer : layers) {
            for (Linear projection : layer.residualProjections()) {
                projection.setInitializer(new NormalInitializer(residualStd), Parameter.Type.WEIGHT);
            }
        }
    }

    /**
     * The hidden states {@code (B, T, C)} after the last layer (before the final norm) of
     * {@code ids (B, T)} placed at positions {@code start .. start + T - 1}; {@code cache} (may be
     * null) receives each layer's keys and values but is not advanced.
     */
    NDArray hidden(ParameterStore ps, NDArray ids, int start, KvCache cache, boolean training) {
        long t = ids.getShape().get(1);
        NDArray tokens = ps.getValue(tokenEmbedding, ids.getDevice(), training);
        NDArray positions = ps.getValue(positionEmbedding, ids.getDevice(), training);
        NDArray x = Embedding.embedding(ids, tokens, SparseFormat.DENSE).singletonOrThrow()  // (B, T, C)
                .add(positions.get(ids.getManager(), new NDIndex("{}:{}", start, start + t))); // + (T, C)
        x = embeddingDropout.forward(ps, new NDList(x), training).singletonOrThrow();
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ps, x, mask, cache, i, training);
        }
        return x;
    }

    /** Logits {@code (B, T, outputs)} of hidden states {@code (B, T, C)}: the final norm, then the head. */
    NDArray readOut(ParameterStore ps, NDArray hidden, boolean training) {
        NDArray x = finalNorm.forward(ps, new NDList(hidden), training).singletonOrThrow();
        return head.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** Initializes the child blocks for inputs of {@code batch} rows of {@code length} ids. */
    void initializeChildBlocks(NDManager manager, DataType dataType, long batch, long length) {
        Shape hidden = new Shape(batch, length, width); // (B, T, C)
        embeddingDropout.initialize(manager, dataType, hidden);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }

    /** Number of transformer layers. */
    int depth() {
        return layers.size();
    }

    /** The smallest and the largest id of an integer array, read on the host. */
    static long[] range(NDArray ids) {
        try (NDManager scope = ids.getManager().newSubManager()) {
            ids.tempAttach(scope);
            long min = HostValues.longs(ids.min())[0];
            long max = HostValues.longs(ids.max())[0];
            return new long[] {min, max};
        }
    }
}
