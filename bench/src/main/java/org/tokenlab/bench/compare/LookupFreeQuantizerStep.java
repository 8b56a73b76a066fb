package org.tokenlab.bench.compare;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.tokenlab.magvit2.Magvit2Config;
import org.tokenlab.magvit2.Magvit2Tokenizer;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.QuantizerOutput;

/**
 * The LFQ of a {@link Magvit2Tokenizer} alone, forward and backward on the latents its encoder gives
 * for a batch of clips, so that its share of the tokenizer's training step ({@link Magvit2Training}
 * on the same clips) can be stated: {@code magvit2-gpu-lfq} is {@link Magvit2Config#gpu()}'s quantizer
 * (d = 18, batch entropy over two sub-groups of 9 bits) on latents {@code (1, 18, 5, 16, 16)}, those of
 * {@code magvit2-gpu-train}'s clip; {@code bench compare} prints this row's median over that row's
 * when both ran.
 *
 * <p>A step is what the quantizer does inside the tokenizer's step: {@code quantize(latents, true)}
 * (signs, the straight-through output, ids, the commitment and entropy losses, the check that the
 * latents are finite), then the backward pass of {@code mean(quantized) + loss} to the latents, which
 * take a gradient as the encoder's output does; the mean stands in for the decoder's gradient arriving
 * through the straight-through path. The latents are fixed draws of {@code N(0, 1)} (the values do not
 * change the work). No parameters, so no optimizer: both sides count 0. The PyTorch twin
 * ({@code QuantizerTraining} of the {@code LookupFreeQuantizer} in bench/python/torch_models.py) does
 * the same without the finiteness check.
 */
final class LookupFreeQuantizerStep implements Workload {

    private final NDManager manager;
    private final LookupFreeQuantizer quantizer;
    private final NDArray latents;

    /** The quantizer of {@code config} on latents of the shape its tokenizer's encoder gives for {@code clips}. */
    LookupFreeQuantizerStep(NDManager manager, Magvit2Config config, Shape clips) {
        this.manager = manager.newSubManager();
        Magvit2Tokenizer tokenizer = Magvit2Tokenizer.of(config);
        this.quantizer = tokenizer.lookupFreeQuantizer();
        Shape ids = tokenizer.tokenShape(clips);                                      // (B, t, h, w)
        Shape shape = new Shape(ids.get(0), config.latentBits(), ids.get(1), ids.get(2), ids.get(3)); // (B, d, t, h, w)
        this.latents = this.manager.randomNormal(0, 1, shape, DataType.FLOAT32);
        latents.setRequiresGradient(true);
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public void step() {
        try (NDManager scope = manager.newSubManager()) {
            latents.tempAttach(scope);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                QuantizerOutput out = quantizer.quantize(latents, true);
                NDArray objective = out.quantized().mean().add(out.loss());
                gc.backward(objective);
                objective.getFloat();
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
