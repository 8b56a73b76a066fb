package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * VQ-VAE's codebook initialization: every value uniform in {@code [-1/K, 1/K]} for K codes, drawn
 * from a seeded {@link Random} rather than the engine's generator, so a seed fixes the codebook on
 * every engine and device.
 */
final class UniformCodebookInitializer implements Initializer {

    private final int size;
    private final Random random;

    UniformCodebookInitializer(int size, Random random) {
        this.size = size;
        this.random = random;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        float[] values = new float[Math.toIntExact(shape.size())]; // K * D, once per block
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) / size);
        }
        NDArray array = manager.create(values, shape);
        if (dataType == DataType.FLOAT32) {
            return array;
        }
        NDArray cast = array.toType(dataType, false);
        array.close();
        return cast;
    }
}
