package org.tokenlab.mask;

import java.util.List;
import java.util.Random;
import org.tokenlab.internal.Checks;

/**
 * A way to choose which tokens of a grid are given: the condition mask of a task, drawn afresh for
 * each example. Training draws a mask per example from a pool of schemes and hands it to
 * {@link CommitMasking}; decoding starts from the given tokens and generates the rest. Every
 * {@link MagvitTask} is one (it ignores the random source); a notebook cell can write a new one as a
 * lambda and name it with {@link #of}.
 *
 * <pre>{@code
 * jshell> MaskingScheme leftHalf = MaskingScheme.of("left half",
 *    ...>     (grid, random) -> TokenMask.box(grid, 0, grid.frames(), 0, grid.height(), 0, grid.width() / 2));
 * jshell> var pool = MaskingScheme.anyOf(List.of(MagvitTask.FRAME_PREDICTION, MagvitTask.CENTRAL_INPAINTING, leftHalf));
 * jshell> TokenMask given = pool.conditionMask(new GridShape(4, 8, 8), new Random(0));
 * }</pre>
 */
@FunctionalInterface
public interface MaskingScheme {

    /**
     * The condition mask for {@code grid} ({@code true} where a token is given), drawing anything
     * random from {@code random}.
     */
    TokenMask conditionMask(GridShape grid, Random random);

    /** A name for logs and pictures; a scheme made with {@link #of} answers the name it was given. */
    default String name() {
        return "custom";
    }

    /** {@code scheme} under the name {@code name}. */
    static MaskingScheme of(String name, MaskingScheme scheme) {
        Checks.notNull(name, "name");
        Checks.notNull(scheme, "scheme");
        return new MaskingScheme() {
            @Override
            public TokenMask conditionMask(GridShape grid, Random random) {
                return scheme.conditionMask(grid, random);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * A pool: each call picks one of {@code schemes} uniformly with {@code random}, then draws its
     * mask, as MAGVIT picks a task per training step (with equal weights by default).
     *
     * @throws IllegalArgumentException for an empty list
     */
    static MaskingScheme anyOf(List<? extends MaskingScheme> schemes) {
        Checks.notNull(schemes, "schemes");
        Checks.require(!schemes.isEmpty(), "MaskingScheme.anyOf expects at least one scheme, got an empty list; "
                + "e.g. List.of(MagvitTask.values())");
        List<MaskingScheme> pool = List.copyOf(schemes);
        String name = "anyOf" + pool.stream().map(MaskingScheme::name).toList();
        return of(name, (grid, random) -> pool.get(random.nextInt(pool.size())).conditionMask(grid, random));
    }

    /**
     * {@code count} random boxes of {@code block} tokens given ({@link TokenMask#randomBlocks}), at
     * new positions on every call: a scheme with no fixed geometry.
     */
    static MaskingScheme randomBlocks(int count, GridShape block) {
        Checks.require(count >= 0, "MaskingScheme.randomBlocks expects a count of at least 0 blocks, got %d", count);
        Checks.notNull(block, "block");
        return of("randomBlocks(" + count + " x " + block + ")",
                (grid, random) -> TokenMask.randomBlocks(grid, count, block, random.nextLong()));
    }
}
