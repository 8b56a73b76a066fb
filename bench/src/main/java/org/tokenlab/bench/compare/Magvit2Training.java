package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.tokenlab.magvit2.Magvit2Config;
import org.tokenlab.magvit2.Magvit2Tokenizer;
import org.tokenlab.nn.Swish;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.train.StepTrainer;

/**
 * A training step of MAGVIT-v2's causal tokenizer, as {@link MagvitTraining} for MAGVIT 3D: a
 * {@link Magvit2Tokenizer} of a {@link Magvit2Config} preset with its {@code LookupFreeQuantizer}, a
 * fixed batch of clips, loss {@code L1(reconstruction, clips) + quantizer loss} (the LFQ's commitment
 * at 0.25 and entropy at 0.1, no annealing in either preset), Adam at 1e-3, through {@link StepTrainer}.
 *
 * <p>{@code magvit2-train} is {@link Magvit2Config#cpu()} on {@link #CPU_BATCH}, 4 clips (1, 9, 32, 32):
 * widths 16, 32, 32, one causal residual block per level, time halved at both steps, so each clip
 * becomes 3x8x8 tokens of d = 12 bits and the batch entropy is exact over the 4,096 codes (one
 * {@code (64, 768) x (768, 64)} product). {@code magvit2-gpu-train} is {@link Magvit2Config#gpu()} on
 * {@link #GPU_BATCH}, one clip (1, 17, 64, 64) to 5x16x16 tokens of d = 18 bits (widths 64, 128, 256, two
 * blocks, 41 million parameters), the batch entropy over two sub-groups of 9 bits: the step whose LFQ
 * share {@link LookupFreeQuantizerStep} measures. One clip because that step takes tens of seconds on 2
 * cores; the rounds hold the minimum of 2 steps.
 *
 * <p>The PyTorch twin ({@code Magvit2Tokenizer} in bench/python/torch_models.py) mirrors the blocks:
 * causal convolutions that copy the first frame {@code kt - 1} times into the past and zero-pad space
 * (the convolution's own padding, as the Java side passes it to the engine), group norms (eps 1e-6) with
 * statistics per frame (frames folded into the batch), the decoder's adaptive norms (latents resized in
 * time to the features' frames, 1x1x1 scale and shift convolutions started at zero, nearest repeats in
 * space), depth-to-space up-sampling that drops the first {@code sT - 1} frames, and the LFQ's losses
 * term by term (the batch entropy as the product of the low and the high half-bits' probabilities).
 * Where it differs: it pads time with {@code F.pad(mode="replicate")} where the Java side concatenates
 * copies of the first frame, and uses {@code F.silu} where {@link Swish} is a sigmoid and a multiply;
 * the Java quantizer also checks every call that the latents are finite (one sum read back to the
 * host), which the twin does not. Both sides compute the ids in the step and read the loss back; the
 * initial weights are each framework's own (but the modulations, zero on both), which changes no work.
 */
final class Magvit2Training implements Workload {

    /** {@link Magvit2Config#cpu()}'s clip, 4 of them: 36 frames of 32x32. */
    static final Shape CPU_BATCH = new Shape(4, 1, 9, 32, 32);
    /** {@link Magvit2Config#gpu()}'s clip, one: 17 frames of 64x64 to 5x16x16 tokens. */
    static final Shape GPU_BATCH = new Shape(1, 1, 17, 64, 64);

    private final NDManager manager;
    private final Magvit2Tokenizer model;
    private final StepTrainer trainer;
    private final NDArray clips;

    /** The step of a tokenizer of {@code config} on a fixed batch of clips shaped {@code batch}. */
    Magvit2Training(NDManager manager, Magvit2Config config, Shape batch) {
        this.manager = manager.newSubManager();
        this.model = Magvit2Tokenizer.of(config);
        this.trainer = new StepTrainer(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), batch);
        this.clips = this.manager.randomUniform(-1, 1, batch);
    }

    @Override
    public long parameterCount() {
        return Parameters.count(model);
    }

    @Override
    public void step() {
        trainer.step(new NDList(clips), list -> {
            TokenizerOutput out = TokenizerOutput.of(list);
            return out.reconstruction().sub(clips).abs().mean().add(out.quantizerLoss());
        }, list -> { });
    }

    @Override
    public void close() {
        trainer.close();
        manager.close();
    }
}
