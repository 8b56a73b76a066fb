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
import org.tokenlab.internal.Scalars;
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
 *
 * <p><b>Factorized codes.</b> With a {@link TokenFactorization} of the {@code K = outputs} codes into
 * parts of {@code b_1 .. b_k} bits, the parameters keep their names but change shape:
 * {@code tokenEmbedding} holds one table per part, side by side, then the rows of the special ids
 * ({@code id >= K}), {@code (2^b_1 + ... + 2^b_k + tokens - K, C)}, and a code's embedding is the sum
 * of its parts' rows; {@code head} has {@code 2^b_1 + ... + 2^b_k} outputs, one linear head per part
 * stacked (the parts' logits side by side).
 * <pre>
 *   x = sum_j table_j[part_j(id)]          for a code id &lt; K
 *   x = special[id - K]                    for [MASK], task and class ids
 * </pre>
 * Summing is what Open-MAGVIT2 does; concatenating the parts' embeddings and projecting them
 * linearly to {@code C} would be the same map ({@code W [e_1; e_2] = W_1 e_1 + W_2 e_2}) with more
 * parameters.
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
    private final TokenFactorization factorization; // null: one row and one output per code
    private final int codes;

    /**
     * The sizes of a stack: ids embedded, positions, codes predicted (the head's outputs, or the
     * factorization's codebook), the layers' shape, and the factorization of the codes (null for none).
     */
    record Sizes(int tokens, int positions, int outputs, int layers, int heads, int width, float dropout,
            float attentionDropout, TokenFactorization factorization) {

        /** {@code attentionDropout} NaN means the same rate as {@code dropout}. */
        Sizes {
            attentionDropout = Float.isNaN(attentionDropout) ? dropout : attentionDropout;
        }

        Sizes(int tokens, int positions, int outputs, int layers, int heads, int width, float dropout) {
            this(tokens, positions, outputs, layers, heads, width, dropout, dropout, null);
        }

        /** Rows of {@code tokenEmbedding}. */
        int embeddingRows() {
            return factorization == null ? tokens : factorization.logitsWidth() + tokens - outputs;
        }

        /** Outputs of {@code head}. */
        int headOutputs() {
            return factorization == null ? outputs : factorization.logitsWidth();
        }
    }

    /**
     * Registers the stack's parameters and blocks on {@code owner}, in the order that names them,
     * with {@code addParameter} and {@code addChildBlock} being the owner's own methods.
     */
    TransformerStack(Block owner, Sizes sizes, AttentionMask mask, UnaryOperator<Parameter> addParameter,
            BiFunction<String, Block, Block> addChildBlock) {
        this.mask = mask;
        this.width = sizes.width();
        this.factorization = sizes.factorization();
        this.codes = sizes.outputs();
        this.tokenEmbedding = addParameter.apply(Parameter.builder().setName("tokenEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(sizes.embeddingRows(), width)).build());
        this.positionEmbedding = addParameter.apply(Parameter.builder().setName("positionEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(sizes.positions(), width)).build());
        this.embeddingDropout = (Dropout) addChildBlock.apply("embeddingDropout", Dropout.builder().optRate(sizes.dropout()).build());
        for (int i = 0; i < sizes.layers(); i++) {
            layers.add((TransformerLayer) addChildBlock.apply("layer" + i,
                    new TransformerLayer(width, sizes.heads(), sizes.dropout(), sizes.attentionDropout(), mask)));
        }
        this.finalNorm = (LayerNorm) addChildBlock.apply("finalNorm", LayerNorm.builder().axis(2).build());
        this.head = (Linear) addChildBlock.apply("head", Linear.builder().setUnits(sizes.headOutputs()).optBias(false).build());
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
        NDArray x = embed(ids, tokens)                                                      // (B, T, C)
                .add(positions.get(ids.getManager(), new NDIndex("{}:{}", start, start + t))); // + (T, C)
        x = embeddingDropout.forward(ps, new NDList(x), training).singletonOrThrow();
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ps, x, mask, cache, i, training);
        }
        return x;
    }

    /** The token embeddings {@code (B, T, C)} of {@code ids (B, T)}: one row each, or the sum of a code's parts' rows. */
    private NDArray embed(NDArray ids, NDArray table) {
        if (factorization == null) {
            return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        }
        int k = factorization.parts();
        long[] values = HostValues.longs(ids);
        long[] rows = new long[values.length * k];   // (B, T, k): the rows to add up
        float[] use = new float[values.length * k];  // (B, T, k): 1 for each part of a code, 1 for a special id's own row
        for (int i = 0; i < values.length; i++) {
            if (values[i] < codes) {
                for (int j = 0; j < k; j++) {
                    rows[i * k + j] = factorization.logitsOffset(j) + factorization.part(values[i], j);
                    use[i * k + j] = 1;
                }
            } else {
                rows[i * k] = factorization.logitsWidth() + values[i] - codes;
                use[i * k] = 1;
            }
        }
        NDManager manager = ids.getManager();
        Shape shape = ids.getShape().addAll(new Shape(k));
        // engine-owned copies: the embedding and the product keep them for the backward pass (see Scalars)
        NDArray picked = Embedding.embedding(Scalars.owned(manager.create(rows, shape)).toDevice(ids.getDevice(), false),
                table, SparseFormat.DENSE).singletonOrThrow();                             // (B, T, k, C)
        NDArray weights = Scalars.owned(manager.create(use, shape)).toDevice(ids.getDevice(), false)
                .toType(table.getDataType(), false);
        return picked.mul(weights.expandDims(-1)).sum(new int[] {2});                    // (B, T, C)
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
