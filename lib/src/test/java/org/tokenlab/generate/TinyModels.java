package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Small initialized models and random ids for the generate tests. */
final class TinyModels {

    private TinyModels() {}

    /** A 2-layer, 2-head, width-16 model over {@code vocabulary} ids, initialized with a fixed seed. */
    static TokenTransformer initialized(NDManager manager, int vocabulary, int classes, int maxLength) {
        manager.getEngine().setRandomSeed(3);
        TokenTransformer model = TokenTransformer.builder().setVocabulary(vocabulary).setMaxLength(maxLength)
                .optClasses(classes).optLayers(2).optHeads(2).optWidth(16).build();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, maxLength));
        return model;
    }

    /** Ids {@code (b, l)} int64 uniform in {@code [0, bound)}. */
    static NDArray ids(NDManager manager, long seed, int b, int l, int bound) {
        Random random = new Random(seed);
        long[] values = new long[b * l];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(bound);
        }
        return manager.create(values, new Shape(b, l));
    }
}
