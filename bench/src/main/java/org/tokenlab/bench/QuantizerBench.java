package org.tokenlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;

/** One quantizer step as the benchmarks time it: forward, loss, backward, all temporaries freed. */
final class QuantizerBench {

    private QuantizerBench() {}

    /** Random features {@code (tokens, dim)} that require a gradient, on a fixed seed. */
    static NDArray features(NDManager manager, int tokens, int dim) {
        manager.getEngine().setRandomSeed(42);
        NDArray z = manager.randomNormal(0, 1, new Shape(tokens, dim), DataType.FLOAT32);
        z.setRequiresGradient(true);
        return z;
    }

    /** Forward and backward of {@code sum(quantized) + loss}; returns the loss so the work is not dead code. */
    static float forwardBackward(Quantizer quantizer, NDArray features) {
        try (NDManager scope = features.getManager().newSubManager()) {
            features.tempAttach(scope);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                QuantizerOutput out = quantizer.quantize(features, true);
                NDArray objective = out.quantized().mean().add(out.loss());
                gc.backward(objective);
                return objective.getFloat();
            }
        }
    }

    /** Forward only, no gradient. */
    static long forward(Quantizer quantizer, NDArray features) {
        try (NDManager scope = features.getManager().newSubManager()) {
            features.tempAttach(scope);
            return quantizer.quantize(features, false).indices().getShape().size();
        }
    }
}
