package org.tokenlab.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tokenlab.internal.Checks;

/**
 * MAGVIT's COMMIT, conditional masked modeling by interior tokens (Yu et al. 2023, arXiv 2212.05199,
 * section 3.2; {@code random_mask} with {@code condition_mode='cond->input'} in the official
 * {@code videogvt/train_lib/mask_utils.py}). A task's condition is not a prefix: its tokens, from the
 * tokenized condition clip ({@link MagvitTask#conditionClip}), sit in the condition region of the
 * sequence itself. A {@link MaskingDraw} masks positions anywhere; then each position of the input is
 *
 * <pre>
 *   unmasked                           the real token        segment 0 (REAL)       group reconstruction
 *   masked, inside the condition       the condition token   segment 1 (CONDITION)  group refine
 *   masked, outside the condition      the mask token        segment 2 (MASK)       group mask
 * </pre>
 * and the model predicts the real token at every position, each group's cross-entropy weighted by
 * {@link LossWeights}: the paper's loss sums all three ({@link LossWeights#PAPER}, the official
 * {@code weight_mode='mask+refine+recons'}). Since condition tokens come from a padded or blended
 * clip, they differ from the real ones near the region's edge, and the refine term teaches the model
 * to correct them.
 *
 * <p>Where this differs from the official code: there the segment id is 1 for a condition token and
 * 0 for everything else (the mask token is told apart by its id); here the mask token has its own
 * segment, 2. A model with two segment embeddings can use {@code segmentIds.eq(SEGMENT_CONDITION)}.
 * The official code also returns the input with every masked position a mask token, for
 * classifier-free guidance; build it with {@code CommitMasking} and {@link TokenMask#none}.
 *
 * <pre>{@code
 * jshell> var grid = new GridShape(2, 2, 2);
 * jshell> var commit = CommitMasking.withMaskToken(1024);
 * jshell> CommitInput in = commit.apply(ids, ids, MagvitTask.FRAME_PREDICTION.conditionMask(grid),
 *    ...>     MaskingDraw.schedule(MaskSchedule.COSINE, new Random(0)));             // ids: (B, 8) int64
 * jshell> var noRecons = commit.withLossWeights(CommitMasking.LossWeights.MASK_AND_REFINE);
 * }</pre>
 */
public final class CommitMasking {

    /** Segment id of a position showing its real token (unmasked). */
    public static final long SEGMENT_REAL = 0;
    /** Segment id of a masked position showing its condition token. */
    public static final long SEGMENT_CONDITION = 1;
    /** Segment id of a masked position showing the mask token. */
    public static final long SEGMENT_MASK = 2;

    /**
     * The loss weight of each group of positions.
     *
     * @param mask masked positions outside the condition region (the model sees the mask token)
     * @param refine masked positions inside the condition region (it sees the condition token)
     * @param reconstruction unmasked positions (it sees the real token)
     */
    public record LossWeights(float mask, float refine, float reconstruction) {

        /** All three, as in the paper's loss and the official {@code 'mask+refine+recons'}. */
        public static final LossWeights PAPER = new LossWeights(1, 1, 1);
        /** The masked positions only, the official {@code 'mask+refine'}. */
        public static final LossWeights MASK_AND_REFINE = new LossWeights(1, 1, 0);
        /** The mask tokens only, as MaskGIT trains. */
        public static final LossWeights MASK_ONLY = new LossWeights(1, 0, 0);

        /** @throws IllegalArgumentException for a negative or non-finite weight */
        public LossWeights {
            for (float v : new float[] {mask, refine, reconstruction}) {
                Checks.require(Float.isFinite(v) && v >= 0, "CommitMasking.LossWeights expects finite weights of at least 0, "
                        + "got (mask %s, refine %s, reconstruction %s)", mask, refine, reconstruction);
            }
        }
    }

    private final long maskTokenId;
    private final LossWeights weights;

    private CommitMasking(long maskTokenId, LossWeights weights) {
        this.maskTokenId = maskTokenId;
        this.weights = weights;
    }

    /**
     * COMMIT with mask token {@code maskTokenId} (usually the codebook size, the first id after the
     * codes) and the paper's loss weights.
     *
     * @throws IllegalArgumentException for a negative id
     */
    public static CommitMasking withMaskToken(long maskTokenId) {
        Checks.require(maskTokenId >= 0, "CommitMasking expects a mask token id of at least 0, got %d; "
                + "use the codebook size, the first id after the codes", maskTokenId);
        return new CommitMasking(maskTokenId, LossWeights.PAPER);
    }

    /** The same masking with other loss weights. */
    public CommitMasking withLossWeights(LossWeights lossWeights) {
        return new CommitMasking(maskTokenId, Checks.notNull(lossWeights, "lossWeights"));
    }

    /** The id shown at masked positions outside the condition region. */
    public long maskTokenId() {
        return maskTokenId;
    }

    /** The weights of the mask, refine and reconstruction groups. */
    public LossWeights lossWeights() {
        return weights;
    }

    /**
     * One batch with the same condition region for every example; see {@link #apply(NDArray, NDArray, NDArray, MaskingDraw)}.
     *
     * @throws IllegalArgumentException when the mask's grid does not have {@code L} tokens
     */
    public CommitInput apply(NDArray realIds, NDArray conditionIds, TokenMask given, MaskingDraw draw) {
        Checks.notNull(given, "given");
        int[] bl = checkIds(realIds, conditionIds);
        Checks.require(given.shape().size() == bl[1], "CommitMasking expects a condition mask of L = %d tokens like the ids "
                + "(B, L) = %s, got a mask of the grid %s (%d tokens); build the mask for the grid the ids come from",
                bl[1], Checks.describe(realIds.getShape()), given.shape(), given.shape().size());
        boolean[][] g = new boolean[bl[0]][];
        for (int b = 0; b < bl[0]; b++) {
            g[b] = given.toArray();
        }
        return build(realIds, conditionIds, g, draw);
    }

    /**
     * One batch with a condition region per example, e.g. drawn from a {@link MaskingScheme} pool.
     *
     * @throws IllegalArgumentException when the list does not hold one mask of {@code L} tokens per example
     */
    public CommitInput apply(NDArray realIds, NDArray conditionIds, List<TokenMask> given, MaskingDraw draw) {
        Checks.notNull(given, "given");
        int[] bl = checkIds(realIds, conditionIds);
        Checks.require(given.size() == bl[0], "CommitMasking expects one condition mask per example, %d for ids %s, got %d",
                bl[0], Checks.describe(realIds.getShape()), given.size());
        boolean[][] g = new boolean[bl[0]][];
        for (int b = 0; b < bl[0]; b++) {
            TokenMask m = Checks.notNull(given.get(b), "condition mask " + b);
            Checks.require(m.shape().size() == bl[1], "CommitMasking expects condition masks of L = %d tokens like the ids %s, "
                    + "got mask %d of the grid %s", bl[1], Checks.describe(realIds.getShape()), b, m.shape());
            g[b] = m.toArray();
        }
        return build(realIds, conditionIds, g, draw);
    }

    /**
     * One batch of masked inputs.
     *
     * @param realIds the real tokens {@code (B, L)}, integers, none equal to the mask token
     * @param conditionIds the tokens of the condition clip {@code (B, L)}; read only inside the condition region
     * @param given the condition region {@code (B, L)} boolean, {@code true} where the token is given
     *     (e.g. {@code TokenMask.toNDArray(manager).reshape(1, -1).repeat(0, B)})
     * @param draw which positions to mask
     * @return the inputs, segment ids, loss weights and masked positions, on {@code realIds}' manager
     * @throws IllegalArgumentException for arrays of other shapes or types, or a real token equal to the mask token
     */
    public CommitInput apply(NDArray realIds, NDArray conditionIds, NDArray given, MaskingDraw draw) {
        int[] bl = checkIds(realIds, conditionIds);
        Checks.notNull(given, "given");
        Checks.require(given.getShape().equals(realIds.getShape()) && given.getDataType() == DataType.BOOLEAN,
                "CommitMasking expects a boolean condition mask (B, L) = %s like the ids, got %s %s; "
                        + "for one mask for every example pass the TokenMask itself",
                Checks.describe(realIds.getShape()), given.getDataType(), Checks.describe(given.getShape()));
        boolean[] flat = given.toBooleanArray();
        boolean[][] g = new boolean[bl[0]][bl[1]];
        for (int b = 0; b < bl[0]; b++) {
            System.arraycopy(flat, b * bl[1], g[b], 0, bl[1]);
        }
        return build(realIds, conditionIds, g, draw);
    }

    private CommitInput build(NDArray realIds, NDArray conditionIds, boolean[][] given, MaskingDraw draw) {
        Checks.notNull(draw, "draw");
        int batch = given.length;
        int length = given[0].length;
        long[] real = realIds.toType(DataType.INT64, false).toLongArray();
        long[] condition = conditionIds.toType(DataType.INT64, false).toLongArray();
        for (int i = 0; i < real.length; i++) {
            Checks.require(real[i] != maskTokenId, "CommitMasking found the mask token id %d among the real tokens (example %d, "
                    + "position %d); use an id outside the codebook, e.g. the codebook size", maskTokenId, i / length, i % length);
        }
        boolean[][] masked = draw.masked(batch, length);
        Checks.require(masked != null && masked.length == batch, "the MaskingDraw returned %s rows for a batch of %d",
                masked == null ? "no" : masked.length, batch);
        long[] input = new long[real.length];
        long[] segment = new long[real.length];
        float[] weight = new float[real.length];
        boolean[] maskedFlat = new boolean[real.length];
        for (int b = 0; b < batch; b++) {
            Checks.require(masked[b] != null && masked[b].length == length, "the MaskingDraw returned %s flags for example %d, "
                    + "its sequence has %d", masked[b] == null ? "no" : masked[b].length, b, length);
            for (int i = 0; i < length; i++) {
                int k = b * length + i;
                maskedFlat[k] = masked[b][i];
                if (!masked[b][i]) {
                    input[k] = real[k];
                    segment[k] = SEGMENT_REAL;
                    weight[k] = weights.reconstruction();
                } else if (given[b][i]) {
                    input[k] = condition[k];
                    segment[k] = SEGMENT_CONDITION;
                    weight[k] = weights.refine();
                } else {
                    input[k] = maskTokenId;
                    segment[k] = SEGMENT_MASK;
                    weight[k] = weights.mask();
                }
            }
        }
        NDManager m = realIds.getManager();
        Shape shape = new Shape(batch, length);
        return new CommitInput(m.create(input, shape), m.create(segment, shape), m.create(weight, shape), m.create(maskedFlat, shape));
    }

    /** Checks both id arrays; returns {@code {B, L}}. */
    private static int[] checkIds(NDArray realIds, NDArray conditionIds) {
        Checks.rank(realIds, "CommitMasking real ids (B, L)", 2);
        Checks.rank(conditionIds, "CommitMasking condition ids (B, L)", 2);
        Shape s = realIds.getShape();
        Checks.require(realIds.getDataType().isInteger() && conditionIds.getDataType().isInteger(),
                "CommitMasking expects integer token ids, got real %s and condition %s; ids are int64",
                realIds.getDataType(), conditionIds.getDataType());
        Checks.require(s.equals(conditionIds.getShape()), "CommitMasking expects condition ids of the real ids' shape (B, L) = %s, "
                + "got %s; tokenize the condition clip with the same tokenizer and flatten it the same way",
                Checks.describe(s), Checks.describe(conditionIds.getShape()));
        Checks.require(s.get(0) >= 1 && s.get(1) >= 1, "CommitMasking expects at least one example and one token, got %s",
                Checks.describe(s));
        return new int[] {(int) s.get(0), (int) s.get(1)};
    }
}
