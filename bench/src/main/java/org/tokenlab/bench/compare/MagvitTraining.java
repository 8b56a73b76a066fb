package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.tokenlab.magvit.MagvitConfig;
import org.tokenlab.magvit.MagvitTokenizer;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.train.StepTrainer;

/**
 * A training step of the tutorial's MAGVIT 3D tokenizer on the CPU, as {@link VqganTraining} for the
 * 2D VQGAN: {@link MagvitConfig#defaults()} around a {@link VectorQuantizer} of 256 codes of dimension
 * 16, a batch of 4 clips (1, 8, 32, 32), loss {@code L1(reconstruction, clips) + quantizer loss}, Adam
 * at 1e-3, through {@link StepTrainer}.
 *
 * <p>Why that batch: 8x32x32 is the clip the defaults are planned for (8 frames become 4 latent
 * frames, 32x32 becomes 8x8), and 4 clips of 8 frames are 32 frames of 32x32, the pixels of the VQGAN
 * rows' batch of 32 images, so the rows side by side compare 2D and 3D at the same pixel count (the 3D
 * model has 3x3x3 kernels and no attention). Time stays at least 4 frames long at every level, more
 * than reflection needs. A step takes seconds on 2 cores, so the rounds hold the minimum of 2 steps.
 *
 * <p>{@code magvit-train} uses the defaults' {@link PaddingMode#REFLECT}; {@code magvit-zeros-train} is
 * the same step with {@code optPadding(PaddingMode.ZEROS)}, so the Java column of the one over the
 * other is what reflection costs (and the PyTorch column the same for torch). {@link MagvitTokenizer}
 * passes the config's padding to its encoder and decoder, and they pass it to every same-size
 * convolution (residual blocks, {@code conv_in}, {@code conv_out}, the convolution after each
 * up-sampling) and to the pad before each strided one, as the twins pad: each row times a Java model
 * padded as its twin is.
 */
final class MagvitTraining implements Workload {

    static final Shape BATCH = new Shape(4, 1, 8, 32, 32);

    private final NDManager manager;
    private final MagvitTokenizer model;
    private final StepTrainer trainer;
    private final NDArray clips;

    /** The step for a tokenizer of {@code config} ({@link MagvitConfig#defaults()} or {@link #zeroPadded()}). */
    MagvitTraining(NDManager manager, MagvitConfig config) {
        this.manager = manager.newSubManager();
        this.model = tokenizer(config);
        this.trainer = new StepTrainer(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), BATCH);
        this.clips = this.manager.randomUniform(-1, 1, BATCH);
    }

    /** The tutorial's tokenizer: {@code config}'s architecture and a 256 x 16 codebook. */
    static MagvitTokenizer tokenizer(MagvitConfig config) {
        return MagvitTokenizer.of(config,
                VectorQuantizer.builder().setCodebookSize(256).setCodeDimension(16).optSeed(0).build());
    }

    /** {@link MagvitConfig#defaults()} but for the padding, which is {@link PaddingMode#ZEROS} (the builder starts at the defaults). */
    static MagvitConfig zeroPadded() {
        return MagvitConfig.builder().setImageChannels(1).optPadding(PaddingMode.ZEROS).build();
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
