package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.StatefulRandom;
import org.tokenlab.internal.CodeAxis;
import org.tokenlab.internal.Scalars;

/**
 * Residual vector quantization of SoundStream (Zeghidour et al. 2021, arXiv 2107.03312, algorithm
 * 1): level 1 quantizes the features, each further level quantizes what the levels before it left
 * over, and the output is the sum of the levels' codes with a straight-through gradient to the
 * features. It composes any
 * {@link Quantizer}s with the same code dimension and codebook size (VQ, FSQ, LFQ...). Levels that
 * are blocks (a {@link VectorQuantizer}) are child blocks {@code "level0"}, {@code "level1"}...: this
 * block's {@code initialize}, {@code getParameters}, {@code saveParameters}, {@code loadParameters}
 * and a {@code Trainer}'s optimizer reach them.
 *
 * <p>Indices get a level axis after the batch axis: features {@code (B, D, ...)} give indices
 * {@code (B, Q, ...)} ({@code (N, Q)} for {@code (N, D)}), level {@code q} at position {@code q}.
 * {@link #codebookSize()} is the size of one level and {@link #indicesToCodes} accepts the first
 * {@code Q' <= Q} levels, which is how coarse-to-fine decoding uses fewer tokens.
 *
 * <p><b>Quantizer dropout</b> (SoundStream's bitrate scalability): in training mode, with
 * {@link Builder#optQuantizerDropout} on, each example {@code b} of the batch draws its depth
 * {@code n_b} uniformly from {@code [1, Q]} and uses only its first {@code n_b} levels, so one model
 * serves several bitrates. Example {@code b}'s output is the sum of those {@code n_b} codes, and level
 * {@code q} (counted from 0) quantizes only the examples with {@code n_b > q}: its state (EMA
 * statistics, dead-code counts, k-means start) and its loss see no other example. A level an example
 * did not use has the id {@link #UNUSED_LEVEL} ({@code -1}), which {@link #indicesToCodes} decodes to
 * a zero code. Evaluation mode always uses all levels. Choices the paper's description does not fix:
 * a level's loss is its own mean over the examples that used it (a level fewer examples reached
 * weighs each of them more); a level that no example of a batch used contributes no loss part; the
 * draws come from this block's {@code java.util.Random} ({@link Builder#optSeed}), one per example
 * per training call, in batch order.
 *
 * <p>Level {@code q}'s loss parts are named {@code "level<q>.<part>"}; the loss is their sum.
 *
 * <pre>{@code
 * jshell> var rvq = ResidualQuantizer.builder()
 *    ...>     .addLevels(4, q -> VectorQuantizer.builder().setCodebookSize(1024).setCodeDimension(64).optEma(0.99).optSeed(q).build())
 *    ...>     .optQuantizerDropout(true).optSeed(7).build().initialize(manager);
 * jshell> rvq.quantize(manager.randomNormal(new Shape(2, 64, 16, 16))).indices().getShape()
 * $2 ==> (2, 4, 16, 16)
 * jshell> rvq.getParameters().keys()
 * $3 ==> [01level0_codebook, 01level0_emaCount, 01level0_emaSum, 02level1_codebook, ...]
 * }</pre>
 */
public final class ResidualQuantizer extends AbstractBlock implements Quantizer, Resumable {

    /** The id of a level that an example did not use (quantizer dropout); it decodes to a zero code. */
    public static final long UNUSED_LEVEL = -1;

    private static final byte VERSION = 1;
    private static final String NAME = "ResidualQuantizer";

    private final List<Quantizer> levels;
    private final boolean quantizerDropout;
    private final StatefulRandom random;

    private ResidualQuantizer(Builder b) {
        super(VERSION);
        levels = List.copyOf(b.levels);
        quantizerDropout = b.quantizerDropout;
        random = b.seed == null ? new StatefulRandom() : new StatefulRandom(b.seed);
        for (int q = 0; q < levels.size(); q++) {
            if (levels.get(q) instanceof Block block) {
                addChildBlock("level" + q, block);
            }
        }
    }

    /** A builder: at least one level ({@code addLevel}, {@code addLevels} or {@code setLevels}) is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Residual quantization over {@code levels}, without quantizer dropout. */
    public static ResidualQuantizer of(List<? extends Quantizer> levels) {
        return builder().setLevels(levels).build();
    }

    @Override
    public Map<String, String> configuration() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", NAME);
        out.put("levels", String.valueOf(levels.size()));
        out.put("quantizerDropout", String.valueOf(quantizerDropout));
        for (int q = 0; q < levels.size(); q++) {
            String prefix = "level" + q + ".";
            levels.get(q).configuration().forEach((k, v) -> out.put(prefix + k, v));
        }
        return out;
    }

    /**
     * Saves the dropout draws' random generator and the state of levels that are not blocks (an LFQ's
     * annealing step); levels that are blocks are child blocks, saved where the block tree is walked.
     */
    @Override
    public void saveState(TrainingState state) {
        state.putLong("random", random.state());
        for (int q = 0; q < levels.size(); q++) {
            if (!(levels.get(q) instanceof Block) && levels.get(q) instanceof Resumable r) {
                r.saveState(state.child("level" + q));
            }
        }
    }

    @Override
    public void loadState(TrainingState state) {
        random.setState(state.getLong("random"));
        for (int q = 0; q < levels.size(); q++) {
            if (!(levels.get(q) instanceof Block) && levels.get(q) instanceof Resumable r) {
                r.loadState(state.child("level" + q));
            }
        }
    }

    /** The number of levels {@code Q}. */
    public int depth() {
        return levels.size();
    }

    /** The level quantizers, level 0 first. */
    public List<Quantizer> levels() {
        return levels;
    }

    /** Whether training draws a depth per example (SoundStream's quantizer dropout). */
    public boolean quantizerDropout() {
        return quantizerDropout;
    }

    @Override
    public long codebookSize() {
        return levels.get(0).codebookSize();
    }

    @Override
    public int codeDimension() {
        return levels.get(0).codeDimension();
    }

    /** {@code (B, Q, ...)} for features {@code (B, D, ...)}; {@code (N, Q)} for {@code (N, D)}. */
    @Override
    public Shape indexShape(Shape features) {
        Shape grid = CodeAxis.indexShape(features); // (B, ...)
        return new Shape(grid.get(0)).add(levels.size()).addAll(grid.slice(1));
    }

    /** Initializes the levels that are blocks on {@code manager} for float32 features; returns this block. */
    public ResidualQuantizer initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, codeDimension()));
        return this;
    }

    /** Levels that were initialized (or loaded) before keep their values. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Quantizer level : levels) {
            if (level instanceof Block block) {
                block.initialize(manager, dataType, inputShapes[0]);
            }
        }
    }

    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        if (inputShapes == null) {
            throw new IllegalStateException(NAME + " was never initialized, so it has no input shape to save; call "
                    + "initialize(manager) first (levels initialized one by one keep their values)");
        }
        super.saveParameters(os);
    }

    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        return run(features, training, null);
    }

    /** Returns {@code (quantized (B, D, ...), indices (B, Q, ...), loss ())}, as {@link #quantize}. */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Checks.require(inputs.size() == 1, "%s expects one input, the features (B, D, ...), got %d arrays",
                NAME, inputs.size());
        QuantizerOutput out = run(inputs.head(), training, parameterStore);
        out.lossParts().values().forEach(NDArray::close); // the list carries only their sum
        return new NDList(out.quantized(), out.indices(), out.loss());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape features = inputShapes[0];
        return new Shape[] {features, indexShape(features), new Shape()};
    }

    /**
     * Levels in turn on the residual, each on the examples deep enough to use it; level blocks run
     * through {@code ps} when given (the block's forward), else through {@code quantize}.
     */
    private QuantizerOutput run(NDArray features, boolean training, ParameterStore ps) {
        CodeAxis.check(features, codeDimension(), NAME);
        Shape shape = features.getShape();
        int[] depths = depths(Math.toIntExact(shape.get(0)), training);
        NDManager owner = features.getManager();
        Map<String, NDArray> parts = new LinkedHashMap<>();
        try (NDManager scope = owner.newSubManager()) {
            features.tempAttach(scope); // every temporary below lands in scope
            NDArray residual = features;
            NDArray sum = null; // level 0 serves every example: set in the first round
            NDArray loss = scope.zeros(new Shape(), features.getDataType());
            NDList ids = new NDList();
            for (int q = 0; q < levels.size(); q++) {
                ExampleSubset users = ExampleSubset.deeperThan(depths, q, scope);
                if (users.isEmpty() && !users.isWholeBatch()) { // no example this deep (an empty batch runs on)
                    ids.add(scope.full(CodeAxis.indexShape(shape), UNUSED_LEVEL, DataType.INT64).expandDims(1));
                    continue;
                }
                QuantizerOutput out = level(q, users.select(residual), training, ps);
                NDArray codes = users.spread(out.quantized().stopGradient(), 0); // (B, D, ...), zero where unused
                sum = sum == null ? codes : sum.add(codes);
                residual = residual.sub(codes); // keeps the gradient path to the features for the next level's loss
                ids.add(users.spread(out.indices(), UNUSED_LEVEL).expandDims(1)); // (B, 1, ...)
                loss = loss.add(out.loss());
                String prefix = "level" + q + ".";
                out.lossParts().forEach((name, part) -> parts.put(prefix + name, part));
            }
            NDArray quantized = features.add(sum.sub(features).stopGradient()); // straight-through over all levels
            QuantizerOutput result = new QuantizerOutput(quantized, NDArrays.concat(ids, 1), loss, parts);
            result.quantized().attach(owner);
            result.indices().attach(owner);
            result.loss().attach(owner);
            result.lossParts().values().forEach(part -> part.attach(owner));
            return result;
        }
    }

    /** How many levels each of {@code batch} examples uses: all, or in training with dropout a draw from [1, Q]. */
    private int[] depths(int batch, boolean training) {
        int[] depths = new int[batch];
        for (int b = 0; b < batch; b++) {
            depths[b] = training && quantizerDropout ? 1 + random.nextInt(levels.size()) : levels.size();
        }
        return depths;
    }

    /** Level {@code q} on {@code x}: the block's forward through {@code ps} (its loss only), or {@code quantize}. */
    private QuantizerOutput level(int q, NDArray x, boolean training, ParameterStore ps) {
        Quantizer level = levels.get(q);
        if (ps != null && level instanceof Block block) {
            NDList out = block.forward(ps, new NDList(x), training);
            return new QuantizerOutput(out.get(0), out.get(1), out.get(2), Map.of());
        }
        return level.quantize(x, training);
    }

    /**
     * The codes {@code (B, D, ...)} of {@code indices} {@code (B, Q', ...)} for the first {@code Q' <= Q}
     * levels: the sum of each level's codes, {@link #UNUSED_LEVEL} contributing zero.
     *
     * @throws IllegalArgumentException for more levels than this quantizer has, non-integer ids, or ids
     *     outside {@code [0, codebookSize())} other than {@link #UNUSED_LEVEL}
     */
    @Override
    public NDArray indicesToCodes(NDArray indices) {
        Checks.notNull(indices, "indices");
        Shape s = indices.getShape();
        Checks.require(s.dimension() >= 2 && s.get(1) >= 1 && s.get(1) <= levels.size(), "%s expects indices "
                + "(B, Q, ...) with 1 <= Q <= %d levels on axis 1, got shape %s; quantize gives Q = %d, and the "
                + "first levels alone decode coarser", NAME, levels.size(), Checks.describe(s), levels.size());
        Checks.require(indices.getDataType().isInteger(), "%s expects integer indices, got %s; ids from quantize "
                + "are int64", NAME, indices.getDataType());
        NDManager owner = indices.getManager();
        try (NDManager scope = owner.newSubManager()) {
            indices.tempAttach(scope);
            boolean anyUnused = checkRange(indices);
            NDArray sum = null;
            for (int q = 0; q < s.get(1); q++) {
                NDArray ids = indices.get(new NDIndex(":, {}", q)); // (B, ...)
                NDArray codes = anyUnused ? codesOrZero(levels.get(q), ids) : levels.get(q).indicesToCodes(ids);
                sum = sum == null ? codes : sum.add(codes);
            }
            sum.attach(owner);
            return sum;
        }
    }

    /** Checks ids against [-1, K); whether some are {@link #UNUSED_LEVEL}. */
    private boolean checkRange(NDArray indices) {
        if (indices.size() == 0) {
            return false;
        }
        long min = indices.min().toType(DataType.INT64, false).getLong();
        long max = indices.max().toType(DataType.INT64, false).getLong();
        Checks.require(min >= UNUSED_LEVEL && max < codebookSize(), "%s expects ids in [0, %d), or %d for a level the "
                + "example did not use, got ids from %d to %d in indices of shape %s", NAME, codebookSize(),
                UNUSED_LEVEL, min, max, Checks.describe(indices.getShape()));
        return min == UNUSED_LEVEL;
    }

    /** {@code level}'s codes {@code (B, D, ...)} of {@code ids} {@code (B, ...)}, zero where an id is unused. */
    private static NDArray codesOrZero(Quantizer level, NDArray ids) {
        NDArray used = ids.gte(Scalars.of(ids, 0)); // (B, ...) boolean
        NDArray codes = level.indicesToCodes(ids.mul(used.toType(ids.getDataType(), false))); // unused read code 0
        return codes.mul(used.toType(codes.getDataType(), false).expandDims(1)); // (B, 1, ...) mask over D
    }

    /** Builds a {@link ResidualQuantizer}; the levels are required, the options optional. */
    public static final class Builder {

        private final List<Quantizer> levels = new ArrayList<>();
        private boolean quantizerDropout;
        private Long seed;

        private Builder() {}

        /** Appends one level: the next residual's quantizer (SoundStream: a VQ of 1024 codes). */
        public Builder addLevel(Quantizer level) {
            levels.add(Checks.notNull(level, "level quantizer " + levels.size()));
            return this;
        }

        /** Appends {@code count} levels, {@code level.apply(q)} building level {@code q} (0 for the first added). */
        public Builder addLevels(int count, IntFunction<? extends Quantizer> level) {
            Checks.require(count >= 1, "%s.addLevels expects a count of at least 1, got %d; each level is one "
                    + "more id per position", NAME, count);
            Checks.notNull(level, "level factory");
            for (int q = 0; q < count; q++) {
                addLevel(level.apply(q));
            }
            return this;
        }

        /** Replaces the levels by {@code levels}, level 0 first. */
        public Builder setLevels(List<? extends Quantizer> levels) {
            Checks.notNull(levels, "levels");
            this.levels.clear();
            levels.forEach(this::addLevel);
            return this;
        }

        /**
         * SoundStream's quantizer dropout: in training mode each example uses only its first
         * {@code n_b} levels, {@code n_b} uniform in {@code [1, Q]}. Off by default.
         */
        public Builder optQuantizerDropout(boolean quantizerDropout) {
            this.quantizerDropout = quantizerDropout;
            return this;
        }

        /** Seeds the quantizer-dropout draws; without it each block draws its own. Needs {@link #optQuantizerDropout}. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Checks the levels and settings and builds the block. */
        public ResidualQuantizer build() {
            Checks.require(!levels.isEmpty(), "%s needs at least one level; add them with addLevel(quantizer) or "
                    + "addLevels(count, q -> quantizer)", NAME);
            Quantizer first = levels.get(0);
            for (int q = 1; q < levels.size(); q++) {
                Quantizer level = levels.get(q);
                Checks.require(level.codeDimension() == first.codeDimension(), "%s levels must share the code "
                        + "dimension: level 0 has %d, level %d has %d; build every level with the same code dimension",
                        NAME, first.codeDimension(), q, level.codeDimension());
                Checks.require(level.codebookSize() == first.codebookSize(), "%s levels must share the codebook "
                        + "size: level 0 has %d, level %d has %d; build every level with the same codebook size",
                        NAME, first.codebookSize(), q, level.codebookSize());
                int same = sameObject(q);
                Checks.require(same < 0, "%s level %d is the same quantizer object as level %d; build a new "
                        + "quantizer for each level", NAME, q, same);
            }
            Checks.require(seed == null || quantizerDropout, "%s got optSeed(%d) without optQuantizerDropout, so it "
                    + "would do nothing; add optQuantizerDropout(true) or drop optSeed", NAME, seed);
            return new ResidualQuantizer(this);
        }

        /** The first level before {@code q} that is the same object as level {@code q}, or -1. */
        private int sameObject(int q) {
            for (int p = 0; p < q; p++) {
                if (levels.get(p) == levels.get(q)) {
                    return p;
                }
            }
            return -1;
        }
    }
}
