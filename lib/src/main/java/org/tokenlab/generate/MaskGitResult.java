package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.tokenlab.internal.Checks;

/**
 * What {@link MaskGitSampler#decode} returns, owned by the manager of the ids it was given.
 *
 * @param ids the decoded grid {@code (B, L)} int64: the given tokens where they were given, a code
 *     everywhere else
 * @param fixedAtStep {@code (B, L)} int32: 0 for a given token, {@code s} in {@code 1 .. steps} for
 *     a token fixed by step {@code s}; a fixed token never changes afterwards, so the canvas after
 *     step {@code s} is {@code ids} where {@code fixedAtStep <= s} and {@code [MASK]} elsewhere
 *     ({@link #canvasAfter})
 * @param steps the number of steps run (model calls): the sampler's {@code steps}, or fewer when
 *     fewer tokens were unknown than steps and all were fixed earlier
 */
public record MaskGitResult(NDArray ids, NDArray fixedAtStep, int steps) {

    /** Where the tokens are known after step {@code step} (0: the given ones): boolean {@code (B, L)}. */
    public NDArray knownAfter(int step) {
        Checks.require(step >= 0 && step <= steps, "step must be in 0..%d (0: before the first step), got %d", steps, step);
        return fixedAtStep.lte(step);
    }

    /**
     * The grid {@code (B, L)} int64 after step {@code step}: the known tokens, {@code maskId} at the
     * others; {@code canvasAfter(steps, maskId)} equals {@link #ids}. Owned by the result's manager.
     */
    public NDArray canvasAfter(int step, long maskId) {
        try (NDArray known = knownAfter(step); NDArray masks = ids.zerosLike().add(maskId)) {
            return NDArrays.where(known, ids, masks);
        }
    }
}
