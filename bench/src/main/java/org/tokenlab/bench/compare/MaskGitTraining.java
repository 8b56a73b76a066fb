package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Random;
import java.util.stream.IntStream;
import org.tokenlab.generate.MaskedTokenLoss;
import org.tokenlab.generate.MaskedTokenTransformer;
import org.tokenlab.mask.MaskSchedule;
import org.tokenlab.train.StepTrainer;

/**
 * A training step of a {@link MaskedTokenTransformer} on the CPU, MaskGIT's recipe on MAGVIT's
 * layout: 4 layers, 8 heads, width 256, 1,024 codes, a 4x16x16 grid (1,024 tokens, MAGVIT's latent
 * shape of 16 frames of 128x128) behind a task slot (10 tasks) and a class slot (101 classes, as
 * UCF-101): 1,026 positions. A batch of 8 fixed grids of random codes; each step draws one ratio
 * {@code r ~ U[0, 1)} for the batch (as MAGVIT does), hides {@code MaskSchedule.COSINE.trainingMaskCount(r,
 * 1024)} random positions of every row behind {@code [MASK]}, and scores those with
 * {@link MaskedTokenLoss} (MaskGIT's weights, 1 where masked); Adam at 1e-3 through {@link StepTrainer}.
 *
 * <p>Why that size: it is the transformer of {@code MaskGitDecodingBenchmark}, the size a tutorial
 * can train on 2 cores (about 4 million parameters, MAGVIT's base model has about 30 times more).
 * Dropout is off (the builder's default); the Java side's dropout blocks then return their input,
 * and the PyTorch twin has none. The masking (a random score per position, ranked; the lowest
 * {@code n} ranks masked) and the loss's value checks are part of the timed step on both sides; the
 * Java step also reads the ids to the host to check them ({@code MaskedTokenTransformer.forward}
 * does on every call), which the twin does not.
 */
final class MaskGitTraining implements Workload {

    static final int BATCH = 8;
    static final int CODEBOOK = 1024;
    static final int[] GRID = {4, 16, 16};
    static final int TASKS = 10;
    static final int CLASSES = 101;

    private final NDManager manager;
    private final MaskedTokenTransformer model;
    private final StepTrainer trainer;
    private final NDArray prefix;   // (B, 2): [task][class]
    private final NDArray grids;    // (B, L) int64 codes: the targets
    private final Random random = new Random(0);

    MaskGitTraining(NDManager manager) {
        this.manager = manager.newSubManager();
        this.model = transformer();
        int positions = model.prefixLength() + model.gridLength();
        this.trainer = new StepTrainer(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(),
                new Shape(BATCH, positions));
        int[] tasks = IntStream.range(0, BATCH).map(b -> b % TASKS).toArray();
        int[] classes = IntStream.range(0, BATCH).map(b -> (7 * b) % CLASSES).toArray();
        this.prefix = model.prefix(this.manager, tasks, classes);
        this.grids = this.manager.randomInteger(0, CODEBOOK, new Shape(BATCH, model.gridLength()), DataType.INT64);
    }

    /** The bench's transformer: 4 layers of width 256 with 8 heads over [task][class][4x16x16 grid], 1,024 codes. */
    static MaskedTokenTransformer transformer() {
        return MaskedTokenTransformer.builder().setCodebook(CODEBOOK).setGridShape(GRID).optTasks(TASKS)
                .optClasses(CLASSES).optLayers(4).optHeads(8).optWidth(256).build();
    }

    @Override
    public long parameterCount() {
        return Parameters.count(model);
    }

    @Override
    public void step() {
        int length = model.gridLength();
        int hidden = MaskSchedule.COSINE.trainingMaskCount(random.nextDouble(), length);
        try (NDManager scope = manager.newSubManager()) {
            NDArray ranks = scope.randomUniform(0, 1, new Shape(BATCH, length)).argSort(1).argSort(1); // (B, L)
            NDArray masked = ranks.lt(hidden);                                                         // (B, L): `hidden` per row
            NDArray input = NDArrays.where(masked, scope.full(masked.getShape(), model.maskId(), DataType.INT64), grids);
            NDArray ids = prefix.concat(input, 1);                                                     // (B, 2 + L)
            ids.attach(scope);                                                                         // made on the prefix's manager
            NDArray weights = masked.toType(DataType.FLOAT32, false);                                  // (B, L)
            trainer.step(new NDList(ids), out -> MaskedTokenLoss.of(out.singletonOrThrow(), grids, weights), out -> { });
        }
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
