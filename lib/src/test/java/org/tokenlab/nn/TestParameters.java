package org.tokenlab.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.stream.Collectors;

/** Finds a block's parameter by the end of its name (DJL prefixes child names with their position, e.g. {@code 02conv2_weight}). */
final class TestParameters {

    private TestParameters() {}

    static Parameter named(Block block, String suffix) {
        List<String> keys = block.getParameters().keys().stream()
                .filter(k -> k.equals(suffix) || k.matches("(.*_)?\\d*" + java.util.regex.Pattern.quote(suffix)))
                .collect(Collectors.toList());
        if (keys.size() != 1) {
            throw new IllegalArgumentException("expected one parameter ending in " + suffix + ", got " + keys
                    + " among " + block.getParameters().keys());
        }
        return block.getParameters().get(keys.get(0));
    }
}
