package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.loss.DigitClassifier;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.GanLosses;
import org.tokenlab.loss.PatchDiscriminator;
import org.tokenlab.loss.PerceptualLoss;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;
import org.tokenlab.train.GanTrainer;

/**
 * The VQGAN tokenizer of tutorial 02 ({@link VqganConfig#defaults()}, 256 codes of 16 dimensions) on
 * 32x32 one-channel images: encode and decode (images/s, batches of 64), and the full training step
 * of {@link GanTrainer} (steps/s, batch 32, L1 + perceptual + VQ loss) before the discriminator starts
 * and after it (with the PatchGAN, its own Adam step, and the adaptive weight every 10 steps).
 */
@State(Scope.Benchmark)
public class VqganTokenizerBenchmark extends BenchmarkDefaults {

    static final int IMAGES = 64;
    static final int BATCH = 32;

    NDManager manager;
    VqganTokenizer tokenizer;
    NDArray images;
    NDArray ids;
    GanTrainer reconstructionOnly;
    GanTrainer adversarial;
    NDArray batch;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(1);
        images = manager.randomUniform(-1, 1, new Shape(IMAGES, 1, 32, 32));
        batch = images.get("0:" + BATCH);
        DigitClassifier classifier = DigitClassifier.builder().build();
        classifier.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(BATCH, 1, 32, 32));
        classifier.freezeParameters(true);
        PerceptualLoss perceptual = new PerceptualLoss(classifier);
        reconstructionOnly = trainer(perceptual, DiscriminatorWarmup.startingAt(Long.MAX_VALUE));
        adversarial = trainer(perceptual, DiscriminatorWarmup.none());
        tokenizer = tokenizer();
        tokenizer.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(IMAGES, 1, 32, 32));
        ids = tokenizer.encode(images);
    }

    private static VqganTokenizer tokenizer() {
        return VqganTokenizer.of(VqganConfig.defaults(), VectorQuantizer.builder().setCodebookSize(256)
                .setCodeDimension(16).optDeadCodeThreshold(1).optDeadCodeWindow(20).optSeed(1).build());
    }

    private static GanTrainer trainer(PerceptualLoss perceptual, DiscriminatorWarmup warmup) {
        return new GanTrainer(tokenizer(), PatchDiscriminator.builder().optInputChannels(1).build(), adam(), adam(),
                new Shape(BATCH, 1, 32, 32), perceptual, GanTrainer.Settings.builder().optGan(GanLosses.HINGE)
                        .optWarmup(warmup).optPerceptualWeight(1.0).optAdaptiveEvery(10).build());
    }

    private static Optimizer adam() {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-4f)).optBeta1(0.5f).optBeta2(0.9f).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reconstructionOnly.close();
        adversarial.close();
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public long encode() {
        try (NDArray result = tokenizer.encode(images)) {
            return result.getShape().size();
        }
    }

    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public long decode() {
        try (NDArray result = tokenizer.decode(ids)) {
            return result.getShape().size();
        }
    }

    @Benchmark
    public Map<String, Double> trainStepBeforeDiscriminator() {
        return reconstructionOnly.step(batch);
    }

    @Benchmark
    public Map<String, Double> trainStepWithDiscriminator() {
        return adversarial.step(batch);
    }
}
