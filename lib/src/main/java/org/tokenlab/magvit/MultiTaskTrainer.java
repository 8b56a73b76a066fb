package org.tokenlab.magvit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tokenlab.generate.MaskGitResult;
import org.tokenlab.generate.MaskGitSampler;
import org.tokenlab.generate.MaskedTokenLoss;
import org.tokenlab.generate.MaskedTokenTransformer;
import org.tokenlab.internal.Checks;
import org.tokenlab.mask.CommitInput;
import org.tokenlab.mask.CommitMasking;
import org.tokenlab.mask.GridShape;
import org.tokenlab.mask.MagvitTask;
import org.tokenlab.mask.MaskSchedule;
import org.tokenlab.mask.MaskingDraw;
import org.tokenlab.mask.MaskingScheme;
import org.tokenlab.mask.TokenMask;
import org.tokenlab.train.StepTrainer;

/**
 * MAGVIT's multi-task masked token modeling (Yu et al. 2023, section 3.2): one
 * {@link MaskedTokenTransformer} learns every scheme of a pool at once. Each step draws a batch of
 * clips from {@link TaskTokens}, one scheme per clip (uniformly from the pool), the scheme's condition
 * mask, MaskGIT's masking draw ({@link MaskingDraw#schedule}), and builds COMMIT's input
 * ({@link CommitMasking}); the sequence fed is {@code [task][class][grid]}:
 * <pre>
 *   task   taskId(index of the scheme in the pool)
 *   class  classId(label) for a class-conditional task (CG, CFP), "no class" otherwise, and also for a
 *          class-conditional task with probability classDropout (so the same model can be run
 *          unconditionally, for classifier-free guidance)
 *   grid   COMMIT's input: real tokens, condition tokens or [MASK]
 * </pre>
 * The loss is {@link MaskedTokenLoss} of the real tokens at every position, weighted by COMMIT's
 * groups (mask, refine, reconstruction).
 *
 * <p>Any {@link MaskingScheme} can join the pool; one that is not a {@link MagvitTask} shows the real
 * tokens in its given region ({@link TaskTokens#conditionOrReal}). {@link #generate} decodes one
 * scheme on clips with {@link MaskGitSampler}: the given region holds the condition tokens and is
 * never re-masked; the rest starts as {@code [MASK]}. Where this differs from MAGVIT: MAGVIT
 * re-predicts the condition region too during decoding (its refine term), here the condition tokens
 * stay, so a decoded clip shows exactly its condition inside the given region.
 *
 * <pre>{@code
 * jshell> var masked = MaskedTokenTransformer.builder().setCodebook(256).setGridLength(256)
 *    ...>         .optTasks(10).optClasses(10).build();
 * jshell> var multi = MultiTaskTrainer.builder().setModel(masked).setTokens(tokens).optBatchSize(16).build();
 * jshell> float loss = multi.step();
 * jshell> var sampler = MaskGitSampler.builder().setMaskId(masked.maskId()).build();
 * jshell> MaskGitResult out = multi.generate(sampler, MagvitTask.FRAME_PREDICTION, heldOut, new int[] {0, 1});
 * }</pre>
 */
public final class MultiTaskTrainer implements AutoCloseable {

    private final MaskedTokenTransformer model;
    private final TaskTokens tokens;
    private final List<MaskingScheme> pool;
    private final int batchSize;
    private final MaskSchedule schedule;
    private final CommitMasking commit;
    private final float classDropout;
    private final Random random;
    private final StepTrainer trainer;
    private final GridShape grid;

    private MultiTaskTrainer(Builder b) {
        this.model = b.model;
        this.tokens = b.tokens;
        this.pool = List.copyOf(b.pool != null ? b.pool : b.tokens.tasks());
        this.batchSize = b.batchSize;
        this.schedule = b.schedule;
        this.commit = CommitMasking.withMaskToken(model.maskId()).withLossWeights(b.lossWeights);
        this.classDropout = b.classDropout;
        this.random = new Random(b.seed);
        this.grid = tokens.grid();
        Checks.require(model.gridLength() == grid.size(), "MultiTaskTrainer: the model reads grids of %d tokens but the "
                + "tokens' grid %s has %d; build the model with setGridLength(%d)", model.gridLength(), grid, grid.size(), grid.size());
        Checks.require(model.tasks() == pool.size(), "MultiTaskTrainer: the pool has %d schemes %s but the model has %d task "
                + "tokens; build it with optTasks(%d)", pool.size(), names(pool), model.tasks(), pool.size());
        boolean classes = pool.stream().anyMatch(MultiTaskTrainer::classConditional);
        Checks.require(!classes || model.classes() > 0, "MultiTaskTrainer: the pool %s has class-conditional tasks but the "
                + "model has no class tokens; build it with optClasses(n)", names(pool));
        for (MaskingScheme s : pool) {
            s.conditionMask(grid, new Random(0));                                     // a scheme that cannot fill this grid fails here
        }
        Optimizer optimizer = b.optimizer != null ? b.optimizer
                : Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(0.01f).build();
        this.trainer = new StepTrainer(model, optimizer, new Shape(batchSize, model.prefixLength() + grid.size()));
    }

    public static Builder builder() {
        return new Builder();
    }

    private static boolean classConditional(MaskingScheme s) {
        return s instanceof MagvitTask t && t.isClassConditional();
    }

    private static List<String> names(List<MaskingScheme> pool) {
        return pool.stream().map(MaskingScheme::name).toList();
    }

    /** One training step on a fresh batch; returns the loss. */
    public float step() {
        NDManager root = tokens.real().getManager();
        try (NDManager scope = root.newSubManager()) {
            int[] clips = new int[batchSize];
            int[] schemes = new int[batchSize];
            int[] classes = new int[batchSize];
            List<TokenMask> given = new ArrayList<>(batchSize);
            int[] labels = tokens.labels();
            for (int b = 0; b < batchSize; b++) {
                clips[b] = random.nextInt(tokens.size());
                schemes[b] = random.nextInt(pool.size());
                MaskingScheme s = pool.get(schemes[b]);
                given.add(s.conditionMask(grid, random));
                classes[b] = classConditional(s) && labels[clips[b]] >= 0 && random.nextFloat() >= classDropout
                        ? labels[clips[b]] : -1;
            }
            NDArray real = rows(tokens.real(), clips, scope);                             // (B, L)
            NDArray condition = conditionRows(clips, schemes, scope);                      // (B, L)
            CommitInput in = commit.apply(real, condition, given, MaskingDraw.schedule(schedule, random));
            in.inputIds().attach(scope);
            in.segmentIds().attach(scope);
            in.lossWeights().attach(scope);
            in.masked().attach(scope);
            NDArray ids = prefix(scope, schemes, classes).concat(in.inputIds(), 1);    // (B, P + L)
            NDArray weights = in.lossWeights();
            return trainer.step(new NDList(ids), out -> MaskedTokenLoss.of(out.head(), real, weights), out -> { });
        }
    }

    private NDArray prefix(NDManager manager, int[] schemes, int[] classes) {
        if (model.prefixLength() == 0) {
            return manager.zeros(new Shape(schemes.length, 0), DataType.INT64);
        }
        return model.prefix(manager, model.tasks() > 0 ? schemes : null, model.classes() > 0 ? classes : null);
    }

    private NDArray conditionRows(int[] clips, int[] schemes, NDManager scope) {
        NDList parts = new NDList();
        for (int b = 0; b < clips.length; b++) {
            parts.add(tokens.conditionOrReal(pool.get(schemes[b])).get(new NDIndex("{}:{}", clips[b], clips[b] + 1)));
        }
        NDArray all = NDArrays.concat(parts, 0);
        all.attach(scope);
        parts.close();
        return all;
    }

    private static NDArray rows(NDArray from, int[] index, NDManager scope) {
        NDArray idx = scope.create(java.util.Arrays.stream(index).asLongStream().toArray());
        NDArray picked = from.get(new NDIndex("{}", idx));                         // rows of from
        picked.attach(scope);
        return picked;
    }

    /**
     * Decodes {@code scheme} (a member of the pool) on clips {@code indices} of {@code clips}: the
     * scheme's given region holds the clips' condition tokens, the rest is generated. Class-conditional
     * tasks get each clip's label; with guidance, the unconditional pass gets "no class".
     *
     * @return the decoded ids {@code (B, L)} (reshape to {@code (B, t, h, w)} to decode pixels) and
     *     the step each token was fixed at; owned by {@code clips}' manager
     * @throws IllegalArgumentException when {@code scheme} is not in the pool
     */
    public MaskGitResult generate(MaskGitSampler sampler, MaskingScheme scheme, TaskTokens clips, int[] indices) {
        int slot = pool.indexOf(scheme);
        Checks.require(slot >= 0, "MultiTaskTrainer.generate: %s is not in the pool %s; use generate(sampler, scheme, "
                + "taskSlot, clips, indices) to decode it with another task's token (zero-shot)", scheme.name(), names(pool));
        return generate(sampler, scheme, slot, clips, indices, new Random(sampler.seed()));
    }

    /**
     * Decodes any {@code scheme} with the task token of pool member {@code taskSlot}: for schemes the
     * model never saw (zero-shot), {@code random} draws their masks.
     */
    public MaskGitResult generate(MaskGitSampler sampler, MaskingScheme scheme, int taskSlot, TaskTokens clips, int[] indices,
            Random random) {
        Checks.notNull(sampler, "sampler");
        Checks.notNull(scheme, "scheme");
        Checks.require(taskSlot >= 0 && taskSlot < pool.size(), "taskSlot must be a pool index in [0, %d), got %d",
                pool.size(), taskSlot);
        Checks.require(clips.grid().equals(grid), "generate expects clips tokenized to the grid %s, got %s", grid, clips.grid());
        Checks.require(indices.length >= 1, "generate needs at least one clip index");
        NDManager owner = clips.real().getManager();
        int b = indices.length;
        boolean[] known = new boolean[b * grid.size()];
        for (int i = 0; i < b; i++) {
            Checks.require(indices[i] >= 0 && indices[i] < clips.size(), "clip index %d is outside [0, %d)", indices[i], clips.size());
            boolean[] g = scheme.conditionMask(grid, random).toArray();
            System.arraycopy(g, 0, known, i * grid.size(), grid.size());
        }
        int[] labels = clips.labels();
        int[] classes = new int[b];
        int[] none = new int[b];
        int[] slots = new int[b];
        for (int i = 0; i < b; i++) {
            classes[i] = classConditional(scheme) ? labels[indices[i]] : -1;
            none[i] = -1;
            slots[i] = taskSlot;
        }
        try (NDManager scope = owner.newSubManager()) {
            NDArray condition = rows(clips.conditionOrReal(scheme), indices, scope);       // (B, L)
            NDArray knownArray = scope.create(known, new Shape(b, grid.size()));
            NDArray ids = condition.mul(knownArray.toType(DataType.INT64, false));          // given tokens, 0 elsewhere
            NDArray prefix = prefix(scope, slots, classes);
            NDArray unconditionalPrefix = prefix(scope, slots, none);
            MaskGitResult result = sampler.guidance() > 0
                    ? sampler.decode(grid(prefix), grid(unconditionalPrefix), ids, knownArray)
                    : sampler.decode(grid(prefix), ids, knownArray);
            result.ids().attach(owner);
            result.fixedAtStep().attach(owner);
            return result;
        }
    }

    private java.util.function.Function<NDArray, NDArray> grid(NDArray prefix) {
        return model.prefixLength() == 0 ? model::logits : model.conditionedOn(prefix);
    }

    /** The pool, in task-token order. */
    public List<MaskingScheme> pool() {
        return pool;
    }

    /** The model trained. */
    public MaskedTokenTransformer model() {
        return model;
    }

    /** Steps taken. */
    public long steps() {
        return trainer.steps();
    }

    /** Saves the model and the optimizer's state (atomically, see {@link StepTrainer#save}). */
    public void save(Path file) throws IOException {
        trainer.save(file, configuration());
    }

    /** Resumes from {@link #save}; the configuration must match. */
    public void resume(Path file) throws IOException {
        trainer.resume(file, configuration());
    }

    private Map<String, String> configuration() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("codebook", Integer.toString(model.codebook()));
        c.put("gridLength", Integer.toString(model.gridLength()));
        c.put("tasks", Integer.toString(model.tasks()));
        c.put("classes", Integer.toString(model.classes()));
        c.put("pool", String.join(",", names(pool)));
        return c;
    }

    @Override
    public void close() {
        trainer.close();
    }

    /** Builder: {@code setModel} and {@code setTokens} are required. */
    public static final class Builder {
        private MaskedTokenTransformer model;
        private TaskTokens tokens;
        private List<? extends MaskingScheme> pool;
        private int batchSize = 16;
        private MaskSchedule schedule = MaskSchedule.COSINE;
        private CommitMasking.LossWeights lossWeights = CommitMasking.LossWeights.PAPER;
        private float classDropout = 0.1f;
        private Optimizer optimizer;
        private long seed;

        public Builder setModel(MaskedTokenTransformer model) {
            this.model = model;
            return this;
        }

        public Builder setTokens(TaskTokens tokens) {
            this.tokens = tokens;
            return this;
        }

        /** The schemes trained, one task token each in this order (default: the tokens' MAGVIT tasks). */
        public Builder optPool(List<? extends MaskingScheme> pool) {
            this.pool = pool;
            return this;
        }

        /** Clips per step (default 16). */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The masking draw's schedule (default cosine, as MAGVIT). */
        public Builder optSchedule(MaskSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** COMMIT's group weights (default the paper's: mask + refine + reconstruction). */
        public Builder optLossWeights(CommitMasking.LossWeights lossWeights) {
            this.lossWeights = lossWeights;
            return this;
        }

        /** How often a class-conditional example is shown "no class" instead (default 0.1). */
        public Builder optClassDropout(float classDropout) {
            this.classDropout = classDropout;
            return this;
        }

        /** The optimizer (default AdamW, learning rate 1e-3, weight decay 0.01). */
        public Builder optOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** Seed of the batches, schemes and masks drawn (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public MultiTaskTrainer build() {
            Checks.require(model != null, "MultiTaskTrainer needs setModel(MaskedTokenTransformer)");
            Checks.require(tokens != null, "MultiTaskTrainer needs setTokens(TaskTokens.of(...))");
            Checks.require(pool == null || !pool.isEmpty(), "MultiTaskTrainer needs a pool of at least one scheme, got none");
            Checks.require(batchSize >= 1, "MultiTaskTrainer needs optBatchSize of at least 1, got %d", batchSize);
            Checks.require(schedule != null && lossWeights != null, "MultiTaskTrainer needs a schedule and loss weights, got null");
            Checks.require(classDropout >= 0 && classDropout <= 1, "optClassDropout expects a probability in [0, 1], got %s", classDropout);
            return new MultiTaskTrainer(this);
        }
    }
}
