package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the parameters of a block that hold NaN or infinite values, for the message of a training
 * step that failed on non-finite numbers. A non-finite gradient at one layer flows back into every
 * layer before it, and the optimizer writes it into their weights; so after such a step the affected
 * parameters run from the first layer to the one just before where the gradient went bad, and the
 * last of them in forward order points at the faulty layer. One pass over the parameters, run only
 * once a step has already failed.
 */
public final class NonFiniteParameters {

    private NonFiniteParameters() {}

    /**
     * E.g. {@code "12 of 40 parameters hold NaN or infinite values, in forward order from
     * 'encoder_convIn_weight' to 'encoder_quantConv_bias' (the layer after the last one is where the
     * non-finite values most likely started)"}; empty when every parameter is finite.
     */
    public static Optional<String> describe(Block block) {
        List<String> bad = new ArrayList<>();
        int total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (!parameter.isInitialized()) {
                continue;
            }
            total++;
            if (!finite(parameter.getArray())) {
                bad.add(p.getKey());
            }
        }
        if (bad.isEmpty()) {
            return Optional.empty();
        }
        if (bad.size() == 1) {
            return Optional.of(String.format("parameter '%s' holds NaN or infinite values (1 of %d)", bad.get(0), total));
        }
        return Optional.of(String.format("%d of %d parameters hold NaN or infinite values, in forward order from '%s' "
                + "to '%s' (the layer after the last one is where the non-finite values most likely started)",
                bad.size(), total, bad.get(0), bad.get(bad.size() - 1)));
    }

    /**
     * What a trainer throws when a step failed: {@code failure} itself when every parameter of the
     * blocks is finite (bad input, say), otherwise an {@link IllegalStateException} with
     * {@code failure} as its cause, whose message adds which parameters hold NaN, each block's part
     * prefixed with its name when the map names more than one block ({@code "generator: ..."}).
     */
    public static RuntimeException explain(RuntimeException failure, Map<String, Block> blocks) {
        List<String> parts = new ArrayList<>();
        blocks.forEach((name, block) -> describe(block)
                .ifPresent(where -> parts.add(blocks.size() > 1 ? name + ": " + where : where)));
        if (parts.isEmpty()) {
            return failure;
        }
        return new IllegalStateException(failure.getMessage() + "; " + String.join("; ", parts), failure);
    }

    private static boolean finite(NDArray array) {
        if (!array.getDataType().isFloating()) {
            return true;
        }
        try (NDManager scope = array.getManager().newSubManager()) {
            array.tempAttach(scope);
            return !array.isNaN().logicalOr(array.isInfinite()).any().getBoolean();
        }
    }
}
