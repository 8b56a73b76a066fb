package org.tokenlab.bench.compare;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Counting a block's learned values, as {@code sum(p.numel() for p in model.parameters())} in PyTorch. */
final class Parameters {

    private Parameters() {}

    /** Values in every parameter of {@code block} and its children that takes a gradient. */
    static long count(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().getShape().size();
            }
        }
        return n;
    }
}
