package org.tokenlab.mask;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;
import org.tokenlab.internal.Checks;

/**
 * The ten tasks one MAGVIT model learns (Yu et al. 2023, "MAGVIT: Masked Generative Video
 * Transformer", arXiv 2212.05199, section 3.2 and appendix), each a condition region of the token
 * grid ({@link #conditionMask}, {@code true} where the token is given) and the condition clip that is
 * tokenized to fill it ({@link #conditionClip}). The geometry is that of the official code
 * ({@code videogvt/train_lib/cond_utils.py}, task names from {@code task_registry.py} and
 * {@code configs/maskgvt_bair_multitask_config.py}), with integer division as there, so on a grid of
 * {@code h x w} tokens (and on a clip of {@code H x W} pixels the same with {@code H, W}):
 *
 * <pre>
 *   FP   frame prediction               the first n latent frames                 (frame_prediction)
 *   FI   frame interpolation            the first n and the last n latent frames  (frame_interpolation)
 *   OPC  central outpainting            rows h/4 .. 3h/4, columns w/4 .. 3w/4     (outpainting_c: rectangle_central)
 *   OPV  vertical outpainting           columns w/4 .. 3w/4, every row            (outpainting_v: rectangle_vertical)
 *   OPH  horizontal outpainting         rows h/4 .. 3h/4, every column            (outpainting_h: rectangle_horizontal)
 *   OPD  dynamic outpainting            columns x(t) .. x(t) + w/2, every row     (outpainting_dv: dynamic_vertical)
 *   IPC  central inpainting             all but OPC's box                         (inpainting_c: rectangle_central)
 *   IPD  dynamic inpainting             all but rows h/4 .. 3h/4 of OPD's window  (inpainting_dv: dynamic_central)
 *   CG   class-conditional generation   nothing                                   (full_generation)
 *   CFP  class-conditional FP           as FP, with the class                     (frame_prediction + class)
 * </pre>
 * Ranges are half-open. The dynamic window starts at {@code x(t) = round(t / (T - 1) * (w/2))},
 * halves rounded to even, so it slides from the left edge in the first latent frame to the right edge
 * in the last ({@link TokenMask#movingBox}); in pixel space it slides across the clip's frames
 * instead, as in the official code. {@code n} comes from {@link ConditionFrames} (1 by default, as in
 * the official code).
 *
 * <p>Where this differs from the official code:
 * <ul>
 *   <li>Pixels outside the given region are filled with {@link #FILL} = -1, black in our [-1, 1]
 *       range; the official code fills 0, which is black in its [0, 1] videos. Same picture, so the
 *       tokenizer sees the same condition.</li>
 *   <li>The official code registers no CG or CFP condition; they are its {@code full_generation}
 *       and {@code frame_prediction} tasks with {@code class_conditional} set. Here CG gives no token
 *       and its condition clip is all {@link #FILL}; CFP is FP's geometry, and
 *       {@link #isClassConditional()} says to add the class token.</li>
 *   <li>Only the geometry is here: task tokens, class tokens and the official code's
 *       {@code quarter_topleft} regions are not.</li>
 * </ul>
 *
 * <pre>{@code
 * jshell> var grid = new GridShape(4, 8, 8);
 * jshell> MagvitTask.CENTRAL_OUTPAINTING.conditionMask(grid).count()            // 4 frames of a 4x4 box
 * $2 ==> 64
 * jshell> MagvitTask.FRAME_PREDICTION.conditionMask(grid, ConditionFrames.of(5, 4)).count()
 * $3 ==> 128
 * jshell> NDArray condition = MagvitTask.FRAME_INTERPOLATION.conditionClip(video);   // (B, C, T, H, W)
 * jshell> MagvitTask.fromShortName("IPD").description()
 * $5 ==> "dynamic inpainting"
 * }</pre>
 */
public enum MagvitTask implements MaskingScheme {
    /** FP: the first latent frames given, the rest predicted. */
    FRAME_PREDICTION("FP", "frame prediction", false),
    /** FI: the first and last latent frames given, the middle generated. */
    FRAME_INTERPOLATION("FI", "frame interpolation", false),
    /** OPC: the central box (half the height, half the width) given, the border generated. */
    CENTRAL_OUTPAINTING("OPC", "central outpainting", false),
    /** OPV: a central vertical band of half the width given, the left and right generated. */
    VERTICAL_OUTPAINTING("OPV", "vertical outpainting", false),
    /** OPH: a central horizontal band of half the height given, the top and bottom generated. */
    HORIZONTAL_OUTPAINTING("OPH", "horizontal outpainting", false),
    /** OPD: a vertical band of half the width given, moving from the left edge to the right edge. */
    DYNAMIC_OUTPAINTING("OPD", "dynamic outpainting", false),
    /** IPC: everything but the central box given. */
    CENTRAL_INPAINTING("IPC", "central inpainting", false),
    /** IPD: everything but a box (half the height, half the width) moving from left to right given. */
    DYNAMIC_INPAINTING("IPD", "dynamic inpainting", false),
    /** CG: nothing given but the class. */
    CLASS_CONDITIONAL_GENERATION("CG", "class-conditional generation", true),
    /** CFP: frame prediction given the class as well. */
    CLASS_CONDITIONAL_FRAME_PREDICTION("CFP", "class-conditional frame prediction", true);

    /** The pixel value outside the given region of a condition clip: black in [-1, 1]. */
    public static final float FILL = -1f;

    private final String shortName;
    private final String description;
    private final boolean classConditional;

    MagvitTask(String shortName, String description, boolean classConditional) {
        this.shortName = shortName;
        this.description = description;
        this.classConditional = classConditional;
    }

    /** The paper's abbreviation: FP, FI, OPC, OPV, OPH, OPD, IPC, IPD, CG or CFP. */
    public String shortName() {
        return shortName;
    }

    /** The task in words, e.g. "central outpainting". */
    public String description() {
        return description;
    }

    /** Whether the model is also given the class label (CG and CFP). */
    public boolean isClassConditional() {
        return classConditional;
    }

    /** Whether the task keeps whole frames (FP, FI, CFP), so that {@link ConditionFrames} matters. */
    public boolean keepsFrames() {
        return this == FRAME_PREDICTION || this == FRAME_INTERPOLATION || this == CLASS_CONDITIONAL_FRAME_PREDICTION;
    }

    /**
     * The task whose {@link #shortName()} is {@code name}, ignoring case.
     *
     * @throws IllegalArgumentException for another name
     */
    public static MagvitTask fromShortName(String name) {
        Checks.notNull(name, "name");
        for (MagvitTask task : values()) {
            if (task.shortName.equalsIgnoreCase(name.trim())) {
                return task;
            }
        }
        throw new IllegalArgumentException(String.format("MagvitTask.fromShortName expects one of %s, got \"%s\"",
                Arrays.stream(values()).map(MagvitTask::shortName).collect(Collectors.joining(", ")), name));
    }

    /** The condition mask for {@code grid} with {@link ConditionFrames#DEFAULT} (one latent frame for FP, FI, CFP). */
    public TokenMask conditionMask(GridShape grid) {
        return conditionMask(grid, ConditionFrames.DEFAULT);
    }

    /**
     * The condition mask for {@code grid}, {@code true} where the token is given; FP, FI and CFP give
     * {@code frames.latentFrames()} latent frames (at each end for FI), the other tasks the same
     * region in every frame whatever {@code frames} says.
     *
     * @throws IllegalArgumentException when FP or CFP would give every latent frame, or FI would give
     *     the middle too (the official code asserts the same on pixel frames)
     */
    public TokenMask conditionMask(GridShape grid, ConditionFrames frames) {
        Checks.notNull(grid, "grid");
        Checks.notNull(frames, "frames");
        return region(grid, frames.latentFrames(), "latent frames");
    }

    /** {@link #conditionMask(GridShape)}: a MAGVIT task draws nothing at random. */
    @Override
    public TokenMask conditionMask(GridShape grid, Random random) {
        return conditionMask(grid);
    }

    /**
     * The condition clip with {@link ConditionFrames#DEFAULT}: see {@link #conditionClip(NDArray, ConditionFrames)}.
     */
    public NDArray conditionClip(NDArray clip) {
        return conditionClip(clip, ConditionFrames.DEFAULT);
    }

    /**
     * The clip the official code tokenizes to get the condition tokens, built from a real clip
     * {@code (B, C, T, H, W)} in [-1, 1]; same shape, a new array on the clip's manager:
     * <ul>
     *   <li>FP, CFP: the first {@code frames.pixelFrames()} frames, the last of them repeated to the
     *       end ({@code jnp.pad(mode='edge')});</li>
     *   <li>FI: the first and last {@code frames.pixelFrames()} frames, the frames between them a
     *       linear blend from the last given first frame to the first given last frame
     *       ({@code cond_padding='interpolate'});</li>
     *   <li>OPC, OPV, OPH: the given box, its edge pixels repeated outwards to the border
     *       ({@code 'edge'}, the official default for these three);</li>
     *   <li>OPD, IPC, IPD: the given region, {@link #FILL} elsewhere ({@code 'constant'});</li>
     *   <li>CG: {@link #FILL} everywhere.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for another rank, too few frames for the task, or a clip too
     *     small to hold the task's region
     */
    public NDArray conditionClip(NDArray clip, ConditionFrames frames) {
        return ConditionClips.of(this, clip, frames);
    }

    /** The given region on a grid {@code (T, H, W)}: the latent grid, or a clip's pixels with {@code n} pixel frames. */
    TokenMask region(GridShape g, int n, String unit) {
        int h = g.height();
        int w = g.width();
        return switch (this) {
            case FRAME_PREDICTION, CLASS_CONDITIONAL_FRAME_PREDICTION -> {
                Checks.require(n < g.frames(), "%s (%s) gives the first %d %s and predicts the rest, so it needs more than %d, "
                        + "got %d; give fewer frames (ConditionFrames) or use a longer clip", description, shortName, n, unit, n, g.frames());
                yield TokenMask.frames(g, 0, n);
            }
            case FRAME_INTERPOLATION -> {
                Checks.require(2 * n < g.frames(), "%s (%s) gives the first %d and the last %d %s and generates the middle, "
                        + "so it needs more than %d, got %d; give fewer frames (ConditionFrames) or use a longer clip",
                        description, shortName, n, n, unit, 2 * n, g.frames());
                yield TokenMask.frames(g, 0, n).union(TokenMask.frames(g, g.frames() - n, g.frames()));
            }
            case CENTRAL_OUTPAINTING -> TokenMask.box(g, 0, g.frames(), h / 4, h * 3 / 4, w / 4, w * 3 / 4);
            case VERTICAL_OUTPAINTING -> TokenMask.box(g, 0, g.frames(), 0, h, w / 4, w * 3 / 4);
            case HORIZONTAL_OUTPAINTING -> TokenMask.box(g, 0, g.frames(), h / 4, h * 3 / 4, 0, w);
            case DYNAMIC_OUTPAINTING -> TokenMask.movingBox(g, h, w / 2, 0, 0, 0, w / 2);
            case CENTRAL_INPAINTING -> CENTRAL_OUTPAINTING.region(g, n, unit).complement();
            case DYNAMIC_INPAINTING -> TokenMask.movingBox(g, h * 3 / 4 - h / 4, w / 2, h / 4, 0, h / 4, w / 2).complement();
            case CLASS_CONDITIONAL_GENERATION -> TokenMask.none(g);
        };
    }
}
