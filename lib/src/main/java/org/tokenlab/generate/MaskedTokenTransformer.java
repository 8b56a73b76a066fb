package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
import org.tokenlab.nn.AttentionMask;

/**
 * The bidirectional masked transformer of MaskGIT (Chang et al. 2022, arXiv 2202.04200) and of
 * MAGVIT's second stage (Yu et al. 2023, arXiv 2212.05199): every position sees every other
 * ({@link AttentionMask#FULL}), and the model predicts, at each position of a token grid, which code
 * stands there, given the codes around it and {@code [MASK]} where they are hidden. A
 * {@link MaskGitSampler} decodes grids from it in a few parallel steps. It reads
 * {@code [task][class][t*h*w grid tokens]}, with the task and the class slot each present only when
 * the model has task or class tokens:
 * <pre>
 *   x = tokenEmbedding[ids] + positionEmbedding[0 .. P+L-1]   (B, P+L, C)   learned positions
 *   x = layer_n(x) for n in 1..N                              pre-norm full attention + MLP
 *   logits = head(layerNorm(x[:, P:]))                        (B, L, K)     codes only
 * </pre>
 * The layers, embeddings, head and initialization are those of {@link TokenTransformer} (GPT-2's),
 * with the full mask in place of the causal one.
 *
 * <p><b>Vocabulary.</b> With {@code K} codes, {@code T} task tokens and {@code N} classes:
 * <pre>
 *   0 .. K-1                  codes (the tokenizer's ids)          grid positions
 *   K                         [MASK]            maskId()            grid positions
 *   K+1 .. K+T                tasks             taskId(0 .. T-1)    slot 0, when T &gt; 0
 *   K+1+T .. K+T+N            classes           classId(0 .. N-1)   the class slot, when N &gt; 0
 *   K+1+T+N                   no class          noClassId()         the class slot, when N &gt; 0
 * </pre>
 * so {@code vocabulary() = K + 1 + T + (N > 0 ? N + 1 : 0)} rows of the embedding, while the head
 * has only the {@code K} code outputs: a special token is never predicted. The "no class" token is
 * what an unconditional example (dropped class, for classifier-free guidance) and the unconditional
 * half of guided decoding put in the class slot.
 *
 * <p><b>Compared with the official code.</b> MaskGIT ({@code maskgit/inference.py},
 * {@code configs/maskgit_class_cond_config.py}) embeds {@code K + 1000 + 1} ids: codes, then the
 * classes at {@code K + label}, then {@code [MASK]} as id {@code -1}, the last row; the class token
 * comes first and it has no task nor "no class" token. MAGVIT ({@code videogvt/train_lib/
 * maskgvt_train_lib.py}, {@code task_registry.py}) embeds {@code K + (N + 1) + S} ids: codes, the
 * classes at {@code K + label}, the unconditional class at {@code K + N}, then {@code S} special
 * tokens counted from the end as negative ids ({@code [MASK] = -1}, {@code SEP = -2}, the tasks
 * {@code -3 .. -7}, {@code PAD = -15}; {@code S = 16} slots in multi-task training, 1 otherwise);
 * its sequence is {@code [task][class or unconditional][grid]}, the class slot present even in an
 * unconditional model. Here the ids are all non-negative and contiguous, {@code [MASK]} comes right
 * after the codes whatever the model conditions on, there are exactly as many task ids as tasks
 * (no reserved slots, no {@code SEP} or {@code PAD}), and a model without classes has no class
 * slot. MAGVIT's output layer is tied to the word embedding (with an MLM transform and bias) and
 * sliced to the codes; here the head is a separate bias-free linear layer over the codes, as in
 * {@link TokenTransformer}. MAGVIT's optional segment embeddings are not modelled.
 *
 * <p><b>Factorized codes.</b> With {@code optFactorization(TokenFactorization.of(9, 9))} a model over
 * {@code K = 2^18} LFQ codes embeds a code as the sum of one embedding per sub-token (the special
 * ids keep one row each) and its head gives each sub-token's logits side by side,
 * {@code (B, L, 2^9 + 2^9)}; ids in and out stay whole codes, {@code [MASK]} is still {@code K}.
 * Train it with {@link MaskedTokenLoss#compute(NDArray, NDArray, NDArray, TokenFactorization)} and
 * decode with a {@link MaskGitSampler} built with the same {@code optFactorization}.
 *
 * <pre>{@code
 * jshell> var maskgit = MaskedTokenTransformer.builder().setCodebook(512).setGridShape(4, 8, 8).optTasks(10).optClasses(101).build();
 * jshell> maskgit.initialize(manager, DataType.FLOAT32, new Shape(1, maskgit.prefixLength() + maskgit.gridLength()));
 * jshell> NDArray start = maskgit.prefix(manager, new int[] {0, 0}, new int[] {7, -1});   // (2, 2): task 0; class 7, no class
 * jshell> NDArray logits = maskgit.logits(TokenSequences.withPrefix(start, grids));      // grids (2, 256) -> (2, 256, 512)
 * }</pre>
 */
public final class MaskedTokenTransformer extends AbstractBlock {

    private final int codebook;
    private final int[] gridShape;
    private final int gridLength;
    private final int tasks;
    private final int classes;
    private final TokenFactorization factorization; // null: one logit per code
    private final TransformerStack stack;

    private MaskedTokenTransformer(Builder b) {
        this.codebook = b.codebook;
        this.gridShape = b.gridShape.clone();
        this.gridLength = Arrays.stream(gridShape).reduce(1, Math::multiplyExact);
        this.tasks = b.tasks;
        this.classes = b.classes;
        this.factorization = b.factorization;
        TransformerStack.Sizes sizes = new TransformerStack.Sizes(
                vocabulary(), prefixLength() + gridLength, codebook, b.layers, b.heads, b.width, b.dropout,
                b.attentionDropout, factorization);
        this.stack = new TransformerStack(this, sizes, AttentionMask.FULL, this::addParameter, this::addChildBlock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logits {@code (B, L, K)} over the codes at each grid position of {@code ids (B, P + L)} (int64
     * or int32; the prefix of {@link #prefix}, then the grid of codes and {@code [MASK]}), or with a
     * factorization the sub-tokens' logits side by side {@code (B, L, W)}, recording
     * autograd when the caller does: the training entry point. Temporaries and the result belong to
     * the ids' manager.
     *
     * @throws IllegalArgumentException for ids of another rank, type or length, or an id that does
     *     not belong where it stands (outside the vocabulary, a code in the task slot, ...)
     */
    public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
        checkIds(ids);
        int p = prefixLength();
        NDArray hidden = stack.hidden(ps, ids, 0, null, training);             // (B, P+L, C)
        NDArray grid = p == 0 ? hidden : hidden.get(":, {}:, :", p);           // (B, L, C)
        return stack.readOut(ps, grid, training);                               // (B, L, K)
    }

    /**
     * Logits {@code (B, L, K)} of {@code ids (B, P + L)} in inference mode, owned by the ids'
     * manager: no dropout and no autograd graph recorded, whichever thread calls it.
     */
    public NDArray logits(NDArray ids) {
        Checks.notNull(ids, "ids");
        NDManager owner = ids.getManager();
        try (Autograd.Paused paused = Autograd.pause(); NDManager scope = owner.newSubManager()) {
            ids.tempAttach(scope); // every temporary of the forward lands in the scope
            NDArray logits = forward(new ParameterStore(scope, false), ids, false);
            logits.attach(owner);
            return logits;
        }
    }

    /**
     * This model as {@link MaskGitSampler} takes it: grid ids {@code (B, L)} to logits
     * {@code (B, L, K)} (owned by the grid's manager), with {@code prefix (B, P)} from
     * {@link #prefix} put in front. The prefix stays owned by the caller and must stay open while
     * the function is used. For a model without prefix ({@code P = 0}) pass an empty array or use
     * {@link #logits} directly.
     */
    public Function<NDArray, NDArray> conditionedOn(NDArray prefix) {
        Checks.rank(prefix, "MaskedTokenTransformer prefix (B, P)", 2);
        Checks.require(prefix.getShape().get(1) == prefixLength(),
                "MaskedTokenTransformer expects a prefix of %d ids per row (%s), got shape %s; build it with model.prefix(manager, tasks, classes)",
                prefixLength(), prefixDescription(), Checks.describe(prefix.getShape()));
        return grid -> {
            Checks.rank(grid, "grid ids (B, L)", 2);
            Checks.require(grid.getShape().get(0) == prefix.getShape().get(0),
                    "the prefix has %d rows but the grid ids %s have %d; give one prefix row per grid",
                    prefix.getShape().get(0), Checks.describe(grid.getShape()), grid.getShape().get(0));
            NDManager owner = grid.getManager();
            try (NDManager scope = owner.newSubManager()) {
                NDArray front = prefix.toType(DataType.INT64, true);           // a copy: the caller keeps the prefix
                front.attach(scope);
                grid.tempAttach(scope);
                NDArray logits = logits(front.concat(grid.toType(DataType.INT64, false), 1)); // (B, P+L) -> (B, L, K)
                logits.attach(owner);
                return logits;
            }
        };
    }

    /**
     * The prefix {@code (B, P)} int64 for {@code B} rows: the task token {@code taskId(tasks[b])}
     * (when the model has tasks), then the class token {@code classId(classes[b])}, or
     * {@link #noClassId()} where {@code classes[b] == -1} (when it has classes). Pass null (or an
     * empty array) for the part the model does not have.
     *
     * @throws IllegalArgumentException for a model without prefix, rows of different counts, or a
     *     task or class out of range
     */
    public NDArray prefix(NDManager manager, int[] tasks, int[] classes) {
        Checks.require(prefixLength() > 0,
                "MaskedTokenTransformer was built without task or class tokens, so it has no prefix; feed the grid ids (B, %d) alone",
                gridLength);
        int[] t = tasks == null ? new int[0] : tasks;
        int[] c = classes == null ? new int[0] : classes;
        Checks.require(this.tasks > 0 || t.length == 0,
                "MaskedTokenTransformer was built without task tokens but got %d tasks; pass null, or build with optTasks(n)", t.length);
        Checks.require(this.classes > 0 || c.length == 0,
                "MaskedTokenTransformer was built without class tokens but got %d classes; pass null, or build with optClasses(n)", c.length);
        int rows = Math.max(t.length, c.length);
        Checks.require(rows > 0 && (this.tasks == 0 || t.length == rows) && (this.classes == 0 || c.length == rows),
                "MaskedTokenTransformer.prefix needs one entry per row in each of %s, got %d tasks and %d classes",
                prefixDescription(), t.length, c.length);
        long[] ids = new long[rows * prefixLength()];
        int k = 0;
        for (int row = 0; row < rows; row++) {
            if (this.tasks > 0) {
                ids[k++] = taskId(t[row]);
            }
            if (this.classes > 0) {
                ids[k++] = c[row] == -1 ? noClassId() : classId(c[row]);
            }
        }
        return manager.create(ids, new Shape(rows, prefixLength()));
    }

    /** The id of {@code [MASK]}: {@code K}, right after the codes. */
    public int maskId() {
        return codebook;
    }

    /** The id of task {@code task} in {@code [0, tasks)}: {@code K + 1 + task}. */
    public int taskId(int task) {
        Checks.require(task >= 0 && task < tasks, "task must be in [0, %d) (optTasks), got %d", tasks, task);
        return codebook + 1 + task;
    }

    /** The id of class {@code label} in {@code [0, classes)}: {@code K + 1 + T + label}. */
    public int classId(int label) {
        Checks.require(label >= 0 && label < classes,
                "class must be in [0, %d) (optClasses), got %d; use -1 in prefix(...) or noClassId() for no class", classes, label);
        return codebook + 1 + tasks + label;
    }

    /** The id of "no class" in the class slot, for unconditional examples and guidance: {@code K + 1 + T + N}. */
    public int noClassId() {
        Checks.require(classes > 0, "MaskedTokenTransformer was built without class tokens, so it has no class slot; build with optClasses(n)");
        return codebook + 1 + tasks + classes;
    }

    /** Ids before the grid: 1 for the task slot (when {@code T > 0}) plus 1 for the class slot (when {@code N > 0}). */
    public int prefixLength() {
        return (tasks > 0 ? 1 : 0) + (classes > 0 ? 1 : 0);
    }

    /** Rows of the token embedding: {@code K + 1 + T + (N > 0 ? N + 1 : 0)}. */
    public int vocabulary() {
        return codebook + 1 + tasks + (classes > 0 ? classes + 1 : 0);
    }

    /** Number of codes {@code K} (the number of logits, unless factorized: see {@link #logitsWidth()}). */
    public int codebook() {
        return codebook;
    }

    /** The factorization of the codes into sub-tokens, when built with {@code optFactorization}. */
    public Optional<TokenFactorization> factorization() {
        return Optional.ofNullable(factorization);
    }

    /** Logits per grid position: {@code K}, or the factorization's {@code sum_j 2^b_j}. */
    public int logitsWidth() {
        return factorization == null ? codebook : factorization.logitsWidth();
    }

    /** Tokens {@code L} in a grid. */
    public int gridLength() {
        return gridLength;
    }

    /** The grid's shape, e.g. {@code {t, h, w}}, or {@code {L}} when given as a length. */
    public int[] gridShape() {
        return gridShape.clone();
    }

    /** Number of task tokens {@code T}. */
    public int tasks() {
        return tasks;
    }

    /** Number of classes {@code N}. */
    public int classes() {
        return classes;
    }

    /** Number of transformer layers. */
    public int depth() {
        return stack.depth();
    }

    private String prefixDescription() {
        return prefixLength() == 0 ? "no prefix" : (tasks > 0 ? "[task]" : "") + (classes > 0 ? "[class]" : "");
    }

    /** Each id where it may stand: the task slot, the class slot, then codes or [MASK]. */
    private void checkIds(NDArray ids) {
        Checks.rank(ids, "MaskedTokenTransformer ids (B, P + L)", 2);
        DataType type = ids.getDataType();
        Checks.require(type == DataType.INT64 || type == DataType.INT32,
                "MaskedTokenTransformer expects int64 ids (B, P + L), got %s; convert with ids.toType(DataType.INT64, false)", type);
        int p = prefixLength();
        int length = (int) ids.getShape().get(1);
        Checks.require(length == p + gridLength,
                "MaskedTokenTransformer reads %d ids per row (prefix %s of %d, then %d grid tokens), got shape %s; "
                        + "%s",
                p + gridLength, prefixDescription(), p, gridLength, Checks.describe(ids.getShape()),
                p == 0 ? "feed the whole grid" : "put model.prefix(manager, tasks, classes) before the grid with TokenSequences.withPrefix");
        long[] values = HostValues.longs(ids);
        for (int i = 0; i < values.length; i++) {
            int column = i % length;
            long id = values[i];
            long lo;
            long hi; // inclusive
            String what;
            if (column == 0 && tasks > 0) {
                lo = taskId(0);
                hi = taskId(tasks - 1);
                what = "a task id";
            } else if (column == p - 1 && classes > 0) {
                lo = classId(0);
                hi = noClassId();
                what = "a class id or the no-class id";
            } else {
                lo = 0;
                hi = maskId();
                what = "a code or [MASK]";
            }
            Checks.require(id >= lo && id <= hi,
                    "MaskedTokenTransformer expects %s in [%d, %d] at row %d, position %d (layout %s[%d grid tokens], vocabulary %d), got %d; "
                            + "codes are 0..%d, [MASK] is %d, see the class javadoc for the layout",
                    what, lo, hi, i / length, column, prefixDescription(), gridLength, vocabulary(), id, codebook - 1, maskId());
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1) - prefixLength(), logitsWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stack.initializeChildBlocks(manager, dataType, inputShapes[0].get(0), inputShapes[0].get(1));
    }

    /** Builder: {@code setCodebook} and a grid ({@code setGridLength} or {@code setGridShape}) are required. */
    public static final class Builder {
        private int codebook;
        private int[] gridShape = new int[0];
        private int tasks;
        private int classes;
        private int layers = 4;
        private int heads = 4;
        private int width = 128;
        private float dropout;
        private float attentionDropout = Float.NaN; // NaN: the same as dropout
        private TokenFactorization factorization;

        /** Number of codes {@code K} (the tokenizer's codebook size). */
        public Builder setCodebook(int codebook) {
            this.codebook = codebook;
            return this;
        }

        /** Tokens {@code L} in a grid, e.g. {@code 256} for a 16x16 image grid. */
        public Builder setGridLength(int length) {
            this.gridShape = new int[] {length};
            return this;
        }

        /** The grid's shape, e.g. {@code (t, h, w) = (4, 16, 16)}: {@code L} is their product, read in raster order. */
        public Builder setGridShape(int... shape) {
            this.gridShape = shape == null ? new int[0] : shape.clone();
            return this;
        }

        /** Number of task tokens {@code T} (default 0: no task slot), e.g. MAGVIT's ten tasks. */
        public Builder optTasks(int tasks) {
            this.tasks = tasks;
            return this;
        }

        /** Number of classes {@code N} (default 0: no class slot); adds the "no class" token too. */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** Number of transformer layers (default 4). */
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

        /**
         * Factorizes the {@code K = 2^d} codes into sub-tokens (default none): the embedding sums one
         * table per part and the head gives each part's logits side by side. When {@code setCodebook}
         * is left out, {@code K} is the factorization's codebook size.
         */
        public Builder optFactorization(TokenFactorization factorization) {
            this.factorization = factorization;
            return this;
        }

        public MaskedTokenTransformer build() {
            if (factorization != null) {
                Checks.require(factorization.totalBits() <= 30,
                        "MaskedTokenTransformer optFactorization(%s) has %d bits, but the model indexes at most 2^30 codes",
                        factorization, factorization.totalBits());
                codebook = codebook == 0 ? (int) factorization.codebookSize() : codebook;
                Checks.require(codebook == factorization.codebookSize(),
                        "MaskedTokenTransformer setCodebook(%d) does not match optFactorization(%s) over %d codes; "
                                + "the codes must be exactly the 2^%d factorized ids",
                        codebook, factorization, factorization.codebookSize(), factorization.totalBits());
            }
            Checks.require(codebook >= 1, "MaskedTokenTransformer needs setCodebook(K) with K >= 1, got %d", codebook);
            Checks.require(gridShape.length > 0 && Arrays.stream(gridShape).allMatch(s -> s >= 1),
                    "MaskedTokenTransformer needs a grid of at least one token: setGridLength(L) or setGridShape(t, h, w) with sizes >= 1, got %s",
                    Arrays.toString(gridShape));
            Checks.require(tasks >= 0, "optTasks must be at least 0 (0: no task slot), got %d", tasks);
            Checks.require(classes >= 0, "optClasses must be at least 0 (0: no class slot), got %d", classes);
            Checks.require(layers >= 1, "optLayers must be at least 1, got %d", layers);
            Checks.require(heads >= 1 && width >= 1 && width % heads == 0,
                    "optWidth must be a positive multiple of optHeads, got width %d and %d heads; e.g. optWidth(%d)",
                    width, heads, Math.max(heads, 1) * Math.max(1, (width + Math.max(heads, 1) - 1) / Math.max(heads, 1)));
            Checks.require(dropout >= 0 && dropout < 1, "optDropout must be in [0, 1), got %s", dropout);
            Checks.require(Float.isNaN(attentionDropout) || attentionDropout >= 0 && attentionDropout < 1,
                    "optAttentionDropout must be in [0, 1), got %s", attentionDropout);
            return new MaskedTokenTransformer(this);
        }
    }
}
