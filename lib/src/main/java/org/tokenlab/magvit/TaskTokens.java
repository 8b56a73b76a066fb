package org.tokenlab.magvit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.mask.ConditionFrames;
import org.tokenlab.mask.GridShape;
import org.tokenlab.mask.MagvitTask;
import org.tokenlab.mask.MaskingScheme;
import org.tokenlab.tokenizer.VisualTokenizer;

/**
 * The token grids multi-task training reads, computed once: for each clip its real tokens and, for
 * each {@link MagvitTask}, the tokens of the condition clip that task builds
 * ({@link MagvitTask#conditionClip}): COMMIT's condition tokens (Yu et al. 2023, section 3.2). Every
 * grid is flattened in {@code (t, h, w)} order to a row of {@code L = t * h * w} ids.
 *
 * <p>Tasks whose condition clips are the same share one tokenization: frame prediction and its
 * class-conditional twin build the same clip, and class-conditional generation gives no token at all
 * (its condition tokens are never read, so they are the real ones). Ten tasks cost eight encoder
 * passes per clip besides the real one.
 *
 * <p>A {@link org.tokenlab.mask.MaskingScheme} that is not a MAGVIT task has no condition clip: its
 * given region shows the real tokens ({@link #conditionOrReal}), which is masking in token space
 * rather than in pixel space.
 *
 * <pre>{@code
 * jshell> var tokens = TaskTokens.of(tokenizer, clips, clipLabels, List.of(MagvitTask.values()), ConditionFrames.DEFAULT, 8);
 * jshell> tokens.real().getShape()                                        // (N, t*h*w)
 * jshell> tokens.condition(MagvitTask.CENTRAL_OUTPAINTING).getShape()    // (N, t*h*w)
 * }</pre>
 */
public final class TaskTokens implements AutoCloseable {

    private final NDManager manager;
    private final GridShape grid;
    private final NDArray real;
    private final Map<MagvitTask, NDArray> conditions;
    private final int[] labels;
    private final ConditionFrames frames;

    private TaskTokens(NDManager manager, GridShape grid, NDArray real, Map<MagvitTask, NDArray> conditions, int[] labels,
            ConditionFrames frames) {
        this.manager = manager;
        this.grid = grid;
        this.real = real;
        this.conditions = conditions;
        this.labels = labels;
        this.frames = frames;
    }

    /**
     * Tokenizes {@code clips} and each task's condition clips, {@code batch} clips at a time.
     *
     * @param tokenizer a video tokenizer: clips {@code (B, C, T, H, W)} to ids {@code (B, t, h, w)}
     * @param clips {@code (N, C, T, H, W)} in [-1, 1]; not kept (the tokens live on a sub-manager of its manager)
     * @param labels one class per clip ({@code -1} for none), length {@code N}
     * @param tasks the tasks whose condition tokens are needed
     * @param frames the frames frame prediction and interpolation give
     * @param batch clips per encoder pass
     * @throws IllegalArgumentException for clips of another rank, labels of another length, or a grid
     *     the tasks do not fit
     */
    public static TaskTokens of(VisualTokenizer tokenizer, NDArray clips, int[] labels, List<MagvitTask> tasks,
            ConditionFrames frames, int batch) {
        Checks.notNull(tokenizer, "tokenizer");
        Checks.notNull(clips, "clips");
        Checks.notNull(labels, "labels");
        Checks.notNull(frames, "frames");
        Checks.rank(clips, "TaskTokens clips (N, C, T, H, W)", 5);
        long n = clips.getShape().get(0);
        Checks.require(labels.length == n, "TaskTokens expects one label per clip (%d), got %d labels; pass -1 for a clip "
                + "without a class", n, labels.length);
        Checks.require(batch >= 1, "TaskTokens needs a batch of at least 1 clip per encoder pass, got %d", batch);
        Checks.require(tasks != null && !tasks.isEmpty(), "TaskTokens needs at least one task, got %s", tasks);
        NDManager manager = clips.getManager().newSubManager();
        NDArray real = encodeAll(tokenizer, clips, null, frames, batch, manager);            // (N, t, h, w)
        Shape s = real.getShape();
        GridShape grid = new GridShape((int) s.get(1), (int) s.get(2), (int) s.get(3));
        for (MagvitTask task : tasks) {
            task.conditionMask(grid, frames);                                                  // fails early when the grid cannot hold it
        }
        NDArray flatReal = real.reshape(n, grid.size());
        Map<MagvitTask, NDArray> conditions = new EnumMap<>(MagvitTask.class);
        Map<MagvitTask, NDArray> byClip = new LinkedHashMap<>();                               // one tokenization per distinct clip
        for (MagvitTask task : tasks) {
            MagvitTask same = sameClip(task);
            if (same == MagvitTask.CLASS_CONDITIONAL_GENERATION) {
                conditions.put(task, flatReal);
            } else {
                NDArray ids = byClip.computeIfAbsent(same,
                        t -> encodeAll(tokenizer, clips, t, frames, batch, manager).reshape(n, grid.size()));
                conditions.put(task, ids);
            }
        }
        return new TaskTokens(manager, grid, flatReal, conditions, labels.clone(), frames);
    }

    /** The task whose condition clip {@code task}'s equals. */
    private static MagvitTask sameClip(MagvitTask task) {
        return task == MagvitTask.CLASS_CONDITIONAL_FRAME_PREDICTION ? MagvitTask.FRAME_PREDICTION : task;
    }

    private static NDArray encodeAll(VisualTokenizer tokenizer, NDArray clips, MagvitTask task, ConditionFrames frames,
            int batch, NDManager into) {
        try (NDManager scope = clips.getManager().newSubManager()) {
            NDArray input = task == null ? clips : task.conditionClip(clips, frames);   // (N, C, T, H, W)
            if (task != null) {
                input.attach(scope);
            }
            NDArray ids = tokenizer.encode(input, batch).toType(DataType.INT64, false);  // (N, t, h, w)
            ids.attach(into);
            return ids;
        }
    }

    /** The latent grid {@code (t, h, w)}. */
    public GridShape grid() {
        return grid;
    }

    /** The number of clips {@code N}. */
    public int size() {
        return labels.length;
    }

    /** Real tokens {@code (N, L)} int64; owned by this object. */
    public NDArray real() {
        return real;
    }

    /**
     * {@code task}'s condition tokens {@code (N, L)} int64; owned by this object.
     *
     * @throws IllegalArgumentException when {@code task} was not among the tasks given to {@link #of}
     */
    public NDArray condition(MagvitTask task) {
        NDArray ids = conditions.get(task);
        Checks.require(ids != null, "TaskTokens holds condition tokens for %s, not for %s; list it in TaskTokens.of",
                conditions.keySet(), task);
        return ids;
    }

    /** {@code scheme}'s condition tokens when it is a MAGVIT task held here, the real tokens otherwise. */
    public NDArray conditionOrReal(MaskingScheme scheme) {
        return scheme instanceof MagvitTask task && conditions.containsKey(task) ? conditions.get(task) : real;
    }

    /** The tasks held, in the enum's order. */
    public List<MagvitTask> tasks() {
        return List.copyOf(conditions.keySet());
    }

    /** Each clip's class, {@code -1} for none (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /** The frames frame prediction and interpolation give. */
    public ConditionFrames frames() {
        return frames;
    }

    @Override
    public String toString() {
        return "TaskTokens[" + size() + " clips, grid " + grid + ", tasks "
                + Arrays.toString(conditions.keySet().stream().map(MagvitTask::shortName).toArray()) + "]";
    }

    @Override
    public void close() {
        manager.close();
    }
}
