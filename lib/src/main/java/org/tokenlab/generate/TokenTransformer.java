package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.nn.AttentionMask;
import org.tokenlab.nn.KvCache;

/**
 * A decoder-only GPT over token ids, the second stage of VQGAN ("Taming Transformers"): it learns
 * {@code p(t_i | t_<i)} over the ids a tokenizer produced, and an {@link AutoregressiveSampler}
 * draws new token grids from it. Reads top to bottom like nanoGPT:
 * <pre>
 *   x = tokenEmbedding[ids] + positionEmbedding[positions]    (B, L, C)
 *   x = layer_n(x) for n in 1..N                              pre-norm causal attention + MLP
 *   logits = head(layerNorm(x))                               (B, L, V)
 * </pre>
 *
 * <p><b>Token layout.</b> Ids {@code 0 .. V-1} are image tokens. With {@code optClasses(n)} the
 * embedding has {@code n} more rows: ids {@code V .. V+n-1} are class tokens, fed as a prefix at
 * position 0. Training on a sequence {@code [class, t_1, ..., t_L]} feeds
 * {@code [class, t_1, ..., t_(L-1)]} and predicts {@code [t_1, ..., t_L]} (see
 * {@link CausalLoss#inputsOf} and {@link CausalLoss#targetsOf}); the head has only {@code V} outputs,
 * so a class token is never predicted. An unconditional model can use {@code optClasses(1)} as a
 * start token. {@code setMaxLength(T)} bounds the number of positions fed, prefix included.
 *
 * <p><b>Factorized codes.</b> With {@code optFactorization(TokenFactorization.of(9, 9))} a model
 * over {@code V = 2^18} LFQ codes embeds a code as the sum of one embedding per sub-token and its
 * head gives each sub-token's logits side by side, {@code (B, L, 2^9 + 2^9)} in place of
 * {@code (B, L, 2^18)} (MAGVIT-v2's token factorization; see {@link TokenFactorization}). Ids in and
 * out stay whole codes: {@link CausalLoss#crossEntropy(NDArray, NDArray, int, TokenFactorization)}
 * sums the parts' cross-entropies, and {@link AutoregressiveSampler} draws each part and joins them.
 *
 * <p>Initialization follows GPT-2: weights (embeddings, linear layers, head) normal with standard
 * deviation 0.02, the two projections that write into the residual stream with
 * {@code 0.02 / sqrt(2N)}, biases 0, layer norms 1 and 0.
 *
 * <pre>{@code
 * jshell> var gpt = TokenTransformer.builder().setVocabulary(512).setMaxLength(256).optClasses(10).build();
 * jshell> gpt.initialize(manager, DataType.FLOAT32, new Shape(1, 256));
 * jshell> NDArray logits = gpt.logits(ids);          // ids (B, L) int64 -> logits (B, L, 512)
 * }</pre>
 */
public final class TokenTransformer extends AbstractBlock {

    private final int vocabulary;
    private final int classes;
    private final int maxLength;
    private final TokenFactorization factorization; // null: one logit per image token
    private final TransformerStack stack;

    private TokenTransformer(Builder b) {
        this.vocabulary = b.vocabulary;
        this.classes = b.classes;
        this.maxLength = b.maxLength;
        this.factorization = b.factorization;
        TransformerStack.Sizes sizes = new TransformerStack.Sizes(
                vocabulary + classes, maxLength, vocabulary, b.layers, b.heads, b.width, b.dropout,
                b.attentionDropout, factorization);
        this.stack = new TransformerStack(this, sizes, AttentionMask.CAUSAL, this::addParameter, this::addChildBlock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logits {@code (B, L, V)} of the next image token at each of the {@code L} positions of
     * {@code ids (B, L)} (int64 or int32, values in {@code [0, V + classes)}); with a factorization,
     * the sub-tokens' logits side by side {@code (B, L, W)}, {@code W = }
     * {@link TokenFactorization#logitsWidth()}. With a non-null
     * {@code cache} the ids continue the cached sequence at position {@code cache.length()}, and their
     * keys and values are added to it. Temporaries and the result belong to the ids' manager.
     *
     * @throws IllegalArgumentException for ids of another rank or type, outside the vocabulary, or
     *     beyond {@code maxLength} positions
     */
    public NDArray forward(ParameterStore ps, NDArray ids, KvCache cache, boolean training) {
        int start = cache == null ? 0 : cache.length();
        checkIds(ids, start);
        Checks.require(cache == null || cache.layers() == stack.depth(),
                "KvCache has %d layers but this TokenTransformer has %d; create it with model.newCache(manager)",
                cache == null ? 0 : cache.layers(), stack.depth());
        long l = ids.getShape().get(1);
        NDArray hidden = stack.hidden(ps, ids, start, cache, training);   // (B, L, C)
        NDArray logits = stack.readOut(ps, hidden, training);              // (B, L, V)
        if (cache != null) {
            cache.advance((int) l);
        }
        return logits;
    }

    /**
     * Logits {@code (B, L, V)} of {@code ids (B, L)} in inference mode, owned by the ids' manager:
     * no dropout and no autograd graph recorded, whichever thread calls it.
     */
    public NDArray logits(NDArray ids) {
        return logits(ids, null);
    }

    /**
     * Logits {@code (B, L, V)} of {@code ids (B, L)} continuing {@code cache} (null for none), in
     * inference mode as {@link #logits(NDArray)}.
     */
    public NDArray logits(NDArray ids, KvCache cache) {
        Checks.notNull(ids, "ids");
        NDManager owner = ids.getManager();
        try (Autograd.Paused paused = Autograd.pause(); NDManager scope = owner.newSubManager()) {
            ids.tempAttach(scope); // every temporary of the forward lands in the scope
            NDArray logits = forward(new ParameterStore(scope, false), ids, cache, false);
            logits.attach(owner);
            return logits;
        }
    }

    /** An empty cache for this model, preallocated to {@code maxLength} positions, whose arrays live in a sub-manager of {@code manager}. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, stack.depth(), maxLength);
    }

    /** Class-token prefixes {@code (B, 1)} int64, one row per label: id {@code V + label}. */
    public NDArray classPrefix(NDManager manager, int... labels) {
        Checks.require(classes > 0, "TokenTransformer was built without class tokens; use builder().optClasses(n)");
        Checks.require(labels.length > 0, "classPrefix needs at least one label in [0, %d)", classes);
        long[] ids = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Checks.require(labels[i] >= 0 && labels[i] < classes,
                    "class label must be in [0, %d), got %d at row %d", classes, labels[i], i);
            ids[i] = (long) vocabulary + labels[i];
        }
        return manager.create(ids, new Shape(labels.length, 1));
    }

    private void checkIds(NDArray ids, int start) {
        Checks.rank(ids, "TokenTransformer ids", 2);
        DataType type = ids.getDataType();
        Checks.require(type == DataType.INT64 || type == DataType.INT32,
                "TokenTransformer expects int64 ids (B, L), got %s; convert with ids.toType(DataType.INT64, false)", type);
        long l = ids.getShape().get(1);
        Checks.require(l >= 1 && start + l <= maxLength,
                "TokenTransformer reads at most %d positions (setMaxLength), got %d new ids after %d cached; shorten the sequence",
                maxLength, l, start);
        long[] range = TransformerStack.range(ids);
        Checks.require(range[0] >= 0 && range[1] < vocabulary + classes,
                "TokenTransformer ids must be in [0, %d) (%d image tokens + %d class tokens), got values in [%d, %d]",
                vocabulary + classes, vocabulary, classes, range[0], range[1]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), logitsWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stack.initializeChildBlocks(manager, dataType, inputShapes[0].get(0), inputShapes[0].get(1));
    }

    /** Image-token vocabulary {@code V} (the number of logits, unless factorized: see {@link #logitsWidth()}). */
    public int vocabulary() {
        return vocabulary;
    }

    /** The factorization of the image tokens into sub-tokens, when built with {@code optFactorization}. */
    public Optional<TokenFactorization> factorization() {
        return Optional.ofNullable(factorization);
    }

    /** Logits per position: {@code V}, or the factorization's {@code sum_j 2^b_j}. */
    public int logitsWidth() {
        return factorization == null ? vocabulary : factorization.logitsWidth();
    }

    /** Number of class tokens (ids {@code V .. V + classes - 1}); 0 when unconditional. */
    public int classes() {
        return classes;
    }

    /** Most positions the model reads, prefix included. */
    public int maxLength() {
        return maxLength;
    }

    /** Number of transformer layers. */
    public int depth() {
        return stack.depth();
    }

    /** Builder: {@code setVocabulary} and {@code setMaxLength} are required; the rest default to a small CPU model. */
    public static final class Builder {
        private int vocabulary;
        private int maxLength;
        private int layers = 4;
        private int heads = 4;
        private int width = 128;
        private float dropout;
        private float attentionDropout = Float.NaN; // NaN: the same as dropout
        private int classes;
        private TokenFactorization factorization;

        /** Number of image tokens {@code V} (the tokenizer's codebook size). */
        public Builder setVocabulary(int vocabulary) {
            this.vocabulary = vocabulary;
            return this;
        }

        /** Most positions fed, prefix included, e.g. {@code h * w} for a class prefix and an {@code h x w} grid. */
        public Builder setMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Number of transformer layers {@code N} (default 4). */
        public Builder optLayers(int layers) {
            this.layers = layers;
            return this;
        }

        /** Attention heads per layer (default 4); must divide the width. */
        public Builder optHeads(int heads) {
            this.heads = heads;
            return this;
        }

        /** Embedding width {@code C} (default 128). */
        public Builder optWidth(int width) {
            this.width = width;
            return this;
        }

        /**
         * Dropout rate on embeddings, attention weights and residual branches (default 0: none); the
         * attention weights' rate can be set apart with {@link #optAttentionDropout(float)}.
         */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Dropout rate on the attention weights alone (default: {@link #optDropout(float)}'s rate). GPT-2 and
         * MaskGIT drop them at the same rate as the rest; 0 here keeps the other dropouts and saves the
         * {@code B * heads * L^2} random draws a layer that make dropout the dearest part of a CPU
         * training step at a few hundred tokens (docs/BENCHMARKS.md).
         */
        public Builder optAttentionDropout(float attentionDropout) {
            this.attentionDropout = attentionDropout;
            return this;
        }

        /** Adds {@code n} class tokens (ids {@code V .. V+n-1}) used as a prefix at position 0 (default 0). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * Factorizes the {@code V = 2^d} image tokens into sub-tokens (default none): the embedding
         * sums one table per part and the head gives each part's logits side by side. When
         * {@code setVocabulary} is left out, {@code V} is the factorization's codebook size.
         */
        public Builder optFactorization(TokenFactorization factorization) {
            this.factorization = factorization;
            return this;
        }

        public TokenTransformer build() {
            if (factorization != null) {
                Checks.require(factorization.totalBits() <= 30,
                        "TokenTransformer optFactorization(%s) has %d bits, but the model indexes at most 2^30 image tokens",
                        factorization, factorization.totalBits());
                vocabulary = vocabulary == 0 ? (int) factorization.codebookSize() : vocabulary;
                Checks.require(vocabulary == factorization.codebookSize(),
                        "TokenTransformer setVocabulary(%d) does not match optFactorization(%s) over %d codes; "
                                + "the image tokens must be exactly the 2^%d factorized codes",
                        vocabulary, factorization, factorization.codebookSize(), factorization.totalBits());
            }
            Checks.require(vocabulary >= 1, "TokenTransformer needs setVocabulary(V) with V >= 1, got %d", vocabulary);
            Checks.require(maxLength >= 1, "TokenTransformer needs setMaxLength(T) with T >= 1, got %d", maxLength);
            Checks.require(layers >= 1, "optLayers must be at least 1, got %d", layers);
            Checks.require(heads >= 1 && width >= 1 && width % heads == 0,
                    "optWidth must be a positive multiple of optHeads, got width %d and %d heads; e.g. optWidth(%d)",
                    width, heads, Math.max(heads, 1) * Math.max(1, (width + Math.max(heads, 1) - 1) / Math.max(heads, 1)));
            Checks.require(dropout >= 0 && dropout < 1, "optDropout must be in [0, 1), got %s", dropout);
            Checks.require(Float.isNaN(attentionDropout) || attentionDropout >= 0 && attentionDropout < 1,
                    "optAttentionDropout must be in [0, 1), got %s", attentionDropout);
            Checks.require(classes >= 0, "optClasses must be at least 0, got %d", classes);
            return new TokenTransformer(this);
        }
    }
}
