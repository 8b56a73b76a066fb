package org.tokenlab.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.engine.EngineCheck;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.NonFiniteParameters;
import org.tokenlab.internal.OptimizerState;
import org.tokenlab.internal.Scalars;
import org.tokenlab.loss.AdaptiveGanWeight;
import org.tokenlab.loss.DiscriminatorWarmup;
import org.tokenlab.loss.GanLosses;
import org.tokenlab.loss.LeCam;
import org.tokenlab.loss.PerceptualLoss;
import org.tokenlab.loss.ReconstructionLoss;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.tokenizer.QuantizedAutoencoder;
import org.tokenlab.tokenizer.TrainableTokenizer;

/**
 * The VQGAN training step with two optimizers, for any {@link TrainableTokenizer} block: the 2D VQGAN
 * on images {@code (B, C, H, W)}, MAGVIT's 3D tokenizer and MAGVIT-v2's causal one on clips
 * {@code (B, C, T, H, W)} (the perceptual loss then compares frame by frame). The tokenizer (generator) minimizes L1 + perceptual +
 * quantizer loss + {@code lambda * warmup(step) * GAN loss}, where lambda is the adaptive weight (ratio of
 * gradient norms at the decoder's last layer, recomputed every {@code adaptiveEvery} steps); the
 * discriminator minimizes its GAN loss on real images and on detached reconstructions, plus
 * {@code lecamWeight * LeCam} when {@link Settings#lecamWeight()} is above 0 (MAGVIT). Before the
 * warm-up step neither the GAN term nor the discriminator trains.
 *
 * <p>Each step runs in its own sub-manager; a loss that is NaN or infinite stops training with the
 * step and the loss named.
 *
 * <pre>{@code
 * jshell> var settings = GanTrainer.Settings.builder().optWarmup(DiscriminatorWarmup.startingAt(2000)).build();
 * jshell> var gan = new GanTrainer(vqgan, discriminator, Optimizer.adam().build(), Optimizer.adam().build(),
 *    ...>     new Shape(64, 1, 32, 32), null, settings);
 * jshell> Map<String, Double> metrics = gan.step(images);
 * }</pre>
 */
public final class GanTrainer implements AutoCloseable {

    /**
     * The loss settings of a VQGAN run; build them by name with {@link #builder()}.
     *
     * <pre>{@code
     * jshell> var settings = GanTrainer.Settings.builder()
     *    ...>     .optGan(GanLosses.HINGE)
     *    ...>     .optWarmup(DiscriminatorWarmup.startingAt(1201).withFactor(0.1).withRampSteps(100))
     *    ...>     .optPerceptualWeight(1.0)
     *    ...>     .optAdaptiveEvery(10)
     *    ...>     .optLeCam(0.001)
     *    ...>     .build();
     * }</pre>
     *
     * @param gan hinge or non-saturating
     * @param warmup when the GAN term and the discriminator start, and the GAN factor after that
     * @param perceptualWeight weight of the perceptual loss (ignored without a perceptual network)
     * @param adaptiveEvery recompute the adaptive weight every this many steps (it costs one extra backward pass)
     * @param lecamWeight weight of the {@link LeCam} regularizer in the discriminator's loss (0: off; MAGVIT 0.001)
     */
    public record Settings(GanLosses gan, DiscriminatorWarmup warmup, double perceptualWeight, int adaptiveEvery,
            double lecamWeight) {

        public Settings {
            Checks.require(gan != null, "GanTrainer.Settings gan must not be null; use GanLosses.HINGE (the default) "
                    + "or GanLosses.NON_SATURATING");
            Checks.require(warmup != null, "GanTrainer.Settings warmup must not be null; use "
                    + "DiscriminatorWarmup.startingAt(step), or DiscriminatorWarmup.none() to start at once");
            Checks.require(Double.isFinite(perceptualWeight) && perceptualWeight >= 0, "GanTrainer.Settings "
                    + "perceptualWeight must be a finite number >= 0, got %s; taming-transformers uses 1.0, and 0 "
                    + "turns the perceptual loss off", perceptualWeight);
            Checks.require(adaptiveEvery >= 1, "GanTrainer.Settings adaptiveEvery must be at least 1, got %d; "
                    + "1 re-estimates the adaptive GAN weight at every step, 10 every tenth", adaptiveEvery);
            Checks.require(Double.isFinite(lecamWeight) && lecamWeight >= 0, "GanTrainer.Settings lecamWeight must be a "
                    + "finite number >= 0, got %s; MAGVIT uses 0.001, and 0 turns LeCam off", lecamWeight);
        }

        /** The settings without LeCam regularization, as VQGAN trains. */
        public Settings(GanLosses gan, DiscriminatorWarmup warmup, double perceptualWeight, int adaptiveEvery) {
            this(gan, warmup, perceptualWeight, adaptiveEvery, 0);
        }

        /** Hinge loss, discriminator from step 500 with factor 1, perceptual weight 1, lambda every 10 steps, no LeCam. */
        public static Settings defaults() {
            return builder().build();
        }

        /** A builder starting from {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }

        /** Named settings, each optional; {@link #build()} checks them. */
        public static final class Builder {
            private GanLosses gan = GanLosses.HINGE;
            private DiscriminatorWarmup warmup = DiscriminatorWarmup.startingAt(500);
            private double perceptualWeight = 1.0;
            private int adaptiveEvery = 10;
            private double lecamWeight;

            private Builder() {}

            /** The adversarial loss (default {@link GanLosses#HINGE}). */
            public Builder optGan(GanLosses gan) {
                this.gan = gan;
                return this;
            }

            /** When the discriminator starts and how the GAN factor rises (default: factor 1 from step 500). */
            public Builder optWarmup(DiscriminatorWarmup warmup) {
                this.warmup = warmup;
                return this;
            }

            /** Weight of the perceptual loss (default 1; 0 turns it off). */
            public Builder optPerceptualWeight(double perceptualWeight) {
                this.perceptualWeight = perceptualWeight;
                return this;
            }

            /** Re-estimate the adaptive GAN weight every this many steps (default 10). */
            public Builder optAdaptiveEvery(int adaptiveEvery) {
                this.adaptiveEvery = adaptiveEvery;
                return this;
            }

            /**
             * Adds {@code weight * LeCam} to the discriminator's loss (default 0: off). MAGVIT trains its 3D
             * tokenizer with weight 0.001 and anchors that decay by 0.999 (Tseng et al. 2021).
             */
            public Builder optLeCam(double weight) {
                this.lecamWeight = weight;
                return this;
            }

            /**
             * The settings.
             *
             * @throws IllegalArgumentException naming the setting that is out of range
             */
            public Settings build() {
                return new Settings(gan, warmup, perceptualWeight, adaptiveEvery, lecamWeight);
            }
        }
    }

    private final TrainableTokenizer generator;
    private final Model generatorModel;
    private final Model discriminatorModel;
    private final Trainer g;
    private final Trainer d;
    private final Optimizer generatorOptimizer;
    private final Optimizer discriminatorOptimizer;
    private final PerceptualLoss perceptual;
    private final Settings settings;
    private final LeCam lecam = new LeCam();
    private double lambda = Double.NaN;
    private long steps;

    /**
     * Initializes both blocks for batches of {@code imageShape}: images {@code (B, C, H, W)} or clips
     * {@code (B, C, T, H, W)}. The generator is a block that is a {@link TrainableTokenizer}
     * ({@link QuantizedAutoencoder}, {@code Magvit2Tokenizer}).
     */
    public <G extends Block & TrainableTokenizer> GanTrainer(G generator, Block discriminator, Optimizer generatorOptimizer,
            Optimizer discriminatorOptimizer, Shape imageShape, PerceptualLoss perceptual, Settings settings) {
        this.generator = Checks.notNull(generator, "generator");
        EngineCheck.ensure(); // convolutions checked (and oneDNN routed around where wrong) before training
        Checks.notNull(discriminator, "discriminator");
        this.generatorOptimizer = Checks.notNull(generatorOptimizer, "generatorOptimizer");
        this.discriminatorOptimizer = Checks.notNull(discriminatorOptimizer, "discriminatorOptimizer");
        this.settings = Checks.notNull(settings, "settings");
        this.perceptual = perceptual;
        generatorModel = Model.newInstance("tokenlab-generator");
        generatorModel.setBlock(generator);
        discriminatorModel = Model.newInstance("tokenlab-discriminator");
        discriminatorModel.setBlock(discriminator);
        // DJL wants a loss in the config; the real losses are computed in step()
        g = generatorModel.newTrainer(new DefaultTrainingConfig(Loss.l1Loss()).optOptimizer(generatorOptimizer));
        d = discriminatorModel.newTrainer(new DefaultTrainingConfig(Loss.l1Loss()).optOptimizer(discriminatorOptimizer));
        g.initialize(imageShape);
        d.initialize(imageShape);
    }

    /**
     * One step of both players on {@code images} {@code (B, C, H, W)} (or clips {@code (B, C, T, H, W)})
     * in [-1, 1]. Returns the step's metrics: {@code reconstruction}, {@code perceptual},
     * {@code quantizer}, {@code generator_gan}, {@code lambda}, {@code discriminator} (NaN where not
     * computed yet), and {@code lecam} on adversarial steps when LeCam is on.
     */
    public Map<String, Double> step(NDArray images) {
        try {
            return stepOrFail(images);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a NaN met on the way (non-finite features, a non-finite loss): name the parameters that hold it
            Map<String, Block> players = new LinkedHashMap<>();
            players.put("generator", generatorModel.getBlock());
            players.put("discriminator", discriminatorModel.getBlock());
            throw NonFiniteParameters.explain(e, players);
        }
    }

    private Map<String, Double> stepOrFail(NDArray images) {
        long step = ++steps;
        boolean adversarial = settings.warmup().active(step);
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (NDManager scope = g.getManager().newSubManager()) {
            images.tempAttach(scope);
            NDArray reconstruction;
            try (GradientCollector gc = g.newGradientCollector()) {
                TokenizerOutput out = generate(images); // the only generator pass: quantizer state advances once per step
                reconstruction = out.reconstruction();
                NDArray l1 = ReconstructionLoss.L1.loss(reconstruction, images);
                NDArray perceptualTerm = perceptualLoss(reconstruction, images);
                NDArray quantizerLoss = out.quantizerLoss();
                NDArray nonAdversarial = l1.add(perceptualTerm).add(quantizerLoss);
                metrics.put("reconstruction", (double) l1.getFloat());
                metrics.put("perceptual", (double) perceptualTerm.getFloat());
                metrics.put("quantizer", (double) quantizerLoss.getFloat());
                if (adversarial) {
                    NDArray ganTerm = settings.gan().generatorLoss(discriminate(reconstruction));
                    metrics.put("generator_gan", (double) ganTerm.getFloat());
                    if (Double.isNaN(lambda) || step % settings.adaptiveEvery() == 0) {
                        requireFinite(step, "generator", nonAdversarial.getFloat() + ganTerm.getFloat(), metrics);
                        backwardWithAdaptiveWeight(scope, nonAdversarial, ganTerm, settings.warmup().weight(step));
                        metrics.put("lambda", lambda);
                    } else {
                        metrics.put("lambda", lambda);
                        NDArray total = nonAdversarial.add(ganTerm.mul(Scalars.of(ganTerm, lambda * settings.warmup().weight(step))));
                        requireFinite(step, "generator", total.getFloat(), metrics);
                        gc.backward(total);
                    }
                } else {
                    metrics.put("generator_gan", Double.NaN);
                    metrics.put("lambda", Double.NaN);
                    requireFinite(step, "generator", nonAdversarial.getFloat(), metrics);
                    gc.backward(nonAdversarial);
                }
            }
            g.step();
            if (adversarial) {
                try (GradientCollector gc = d.newGradientCollector()) {
                    Autograd.zeroGradients(discriminatorModel.getBlock()); // the generator's backward also reached them
                    NDArray real = discriminate(images);
                    NDArray fake = discriminate(reconstruction.stopGradient());
                    NDArray dLoss = settings.gan().discriminatorLoss(real, fake);
                    if (settings.lecamWeight() > 0) {
                        lecam.update(real, fake);
                        NDArray regularizer = lecam.loss(real, fake);
                        metrics.put("lecam", (double) regularizer.getFloat());
                        dLoss = dLoss.add(regularizer.mul(Scalars.of(regularizer, settings.lecamWeight())));
                    }
                    metrics.put("discriminator", (double) dLoss.getFloat());
                    requireFinite(step, "discriminator", dLoss.getFloat(), metrics);
                    gc.backward(dLoss);
                }
                d.step();
            } else {
                metrics.put("discriminator", Double.NaN);
            }
        }
        return metrics;
    }

    /**
     * The generator's backward pass on a step that re-estimates lambda, from the one forward pass the
     * step made: back-propagate the non-adversarial terms keeping the graph, read the last layer's
     * gradient norm and set the generator's gradients aside; back-propagate the GAN term, read its
     * norm; lambda follows ({@link AdaptiveGanWeight#of(double, double)}) and the generator's
     * gradients become {@code g_rec + lambda * factor * g_gan}, what one backward pass of the combined
     * loss gives. The quantizer loss does not reach the decoder's last layer, so its norm there is the
     * reconstruction (plus perceptual) gradient's norm, as in taming-transformers. The GAN backward
     * also reaches the discriminator's weights; its own step zeroes them first.
     */
    private void backwardWithAdaptiveWeight(NDManager scope, NDArray nonAdversarial, NDArray ganTerm, double factor) {
        // the optimizer's update leaves every gradient at zero, so each backward pass starts from zero;
        // gradients are read after the pass that defines them: before it, a parameter may have none yet,
        // and the engine then answers with a detached array of zeros
        NDArray weight = generator.lastLayerWeight();
        List<Parameter> parameters = generatorParameters();
        Autograd.backward(nonAdversarial, true);
        double reconstructionNorm = normOfGradient(scope, weight);
        List<NDArray> nonAdversarialGradients = new ArrayList<>();
        for (NDArray gradient : gradients(scope, parameters)) {
            nonAdversarialGradients.add(gradient.duplicate());
            gradient.subi(gradient);
        }
        Autograd.backward(ganTerm, false);
        lambda = AdaptiveGanWeight.of(reconstructionNorm, normOfGradient(scope, weight));
        double scale = lambda * factor;
        List<NDArray> ganGradients = gradients(scope, parameters);
        for (int i = 0; i < ganGradients.size(); i++) {
            NDArray gradient = ganGradients.get(i);
            gradient.muli(Scalars.of(gradient, scale)).addi(nonAdversarialGradients.get(i));
        }
    }

    /** Views of the parameters' gradients (writing them writes the gradients), freed with {@code scope}. */
    private static List<NDArray> gradients(NDManager scope, List<Parameter> parameters) {
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : parameters) {
            NDArray gradient = p.getArray().getGradient();
            gradient.attach(scope);
            out.add(gradient);
        }
        return out;
    }

    private static double normOfGradient(NDManager scope, NDArray weight) {
        NDArray gradient = weight.getGradient();
        gradient.attach(scope);
        return AdaptiveGanWeight.norm(gradient);
    }

    /** The generator's parameters that take a gradient (frozen ones are skipped). */
    private List<Parameter> generatorParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : generatorModel.getBlock().getParameters().values()) {
            if (p.requiresGradient() && p.isInitialized() && p.getArray().hasGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Saves the whole run to {@code file} (a version 2 {@link Checkpoint}, written atomically): both
     * players' parameters, the state of their {@link org.tokenlab.Resumable} parts (the quantizer's
     * annealing step, dead-code window, random generators), both optimizers' state, the step count
     * and the adaptive weight. The configuration stored is the generator's
     * ({@link TrainableTokenizer#configuration()}) and the discriminator's class. {@link #resume} continues
     * from it exactly.
     */
    public void save(Path file) throws IOException {
        save(file, Map.of());
    }

    /**
     * {@link #save(Path)} plus the state of objects outside the trainer that the run depends on, by
     * name: the batch stream ({@code RandomBatches}), a {@code LeCam} regularizer. Pass the same
     * names to {@link #resume(Path, Map)}.
     */
    public void save(Path file, Map<String, ? extends Resumable> others) throws IOException {
        Checks.notNull(others, "others");
        try (NDManager scope = NDManager.newBaseManager()) {
            TrainingState state = TrainingState.empty();
            others.forEach((name, r) -> r.saveState(state.child("others").child(name)));
            Checkpoint.putModel(state.child("generator"), generatorModel.getBlock(), scope);
            Checkpoint.putModel(state.child("discriminator"), discriminatorModel.getBlock(), scope);
            OptimizerState.save(generatorOptimizer, generatorModel.getBlock(), state.child("optimizer").child("generator"),
                    scope);
            OptimizerState.save(discriminatorOptimizer, discriminatorModel.getBlock(),
                    state.child("optimizer").child("discriminator"), scope);
            state.putLong("steps", steps).putDouble("lambda", lambda);
            lecam.saveState(state.child("lecam"));
            Checkpoint.write(file, configuration(), state);
        }
    }

    /**
     * Continues the run saved in {@code file} by {@link #save}: this trainer must have been built with
     * the same generator configuration and discriminator (the settings and optimizers' learning rates
     * may differ: they are the caller's). After it, the next {@link #step} is the one the saved run
     * would have taken, with the same result given the same batch.
     *
     * @throws IllegalArgumentException when the file is not a version 2 checkpoint of a run, or its
     *     configuration or tensors do not fit this trainer (each difference named)
     */
    public void resume(Path file) throws IOException {
        resume(file, Map.of());
    }

    /** {@link #resume(Path)}, giving each of {@code others} the state saved under its name by {@link #save(Path, Map)}. */
    public void resume(Path file, Map<String, ? extends Resumable> others) throws IOException {
        Checks.notNull(others, "others");
        Checkpoint.requireConfiguration(file, configuration(), "trainer", "checkpoint %s was saved by a run with "
                + "another configuration (%s); build the trainer with the checkpoint's settings (Checkpoint.readConfig shows them)");
        try (NDManager scope = g.getManager().newSubManager()) {
            TrainingState state = Checkpoint.read(file, scope).state();
            Checks.require(state.has("steps") && state.has("lambda"), "checkpoint %s holds a model, not a GanTrainer run; "
                    + "load it with Checkpoint.load into the tokenizer instead", file);
            Checkpoint.takeModel(state.child("generator"), generatorModel.getBlock(), Checkpoint.Remap.IDENTITY, file.toString());
            Checkpoint.takeModel(state.child("discriminator"), discriminatorModel.getBlock(), Checkpoint.Remap.IDENTITY,
                    file.toString());
            OptimizerState.load(generatorOptimizer, generatorModel.getBlock(), state.child("optimizer").child("generator"));
            OptimizerState.load(discriminatorOptimizer, discriminatorModel.getBlock(),
                    state.child("optimizer").child("discriminator"));
            steps = state.getLong("steps");
            lambda = state.getDouble("lambda");
            if (state.child("lecam").has("updates")) { // runs saved before LeCam was part of the trainer have none
                lecam.loadState(state.child("lecam"));
            }
            others.forEach((name, r) -> r.loadState(state.child("others").child(name)));
        }
    }

    private Map<String, String> configuration() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("run", "GanTrainer");
        generator.configuration().forEach((k, v) -> out.put("generator." + k, v));
        out.put("discriminator", discriminatorModel.getBlock().getClass().getName());
        return out;
    }

    /** The generator (tokenizer) block being trained. */
    public Block generatorBlock() {
        return generatorModel.getBlock();
    }

    /** The discriminator block being trained. */
    public Block discriminatorBlock() {
        return discriminatorModel.getBlock();
    }

    /** Steps taken. */
    public long steps() {
        return steps;
    }

    /** The LeCam anchors (they move only when {@link Settings#lecamWeight()} is above 0). */
    public LeCam lecam() {
        return lecam;
    }

    /** The adaptive GAN weight last computed (NaN before the discriminator starts). */
    public double lambda() {
        return lambda;
    }

    private TokenizerOutput generate(NDArray images) {
        return TokenizerOutput.of(g.forward(new NDList(images)));
    }

    private NDArray discriminate(NDArray images) {
        return d.forward(new NDList(images)).singletonOrThrow();
    }

    private NDArray perceptualLoss(NDArray reconstruction, NDArray images) {
        if (perceptual == null || settings.perceptualWeight() == 0) {
            return reconstruction.getManager().zeros(new Shape(), reconstruction.getDataType());
        }
        return perceptual.loss(reconstruction, images).mul(Scalars.of(reconstruction, settings.perceptualWeight()));
    }

    private static void requireFinite(long step, String which, float value, Map<String, Double> metrics) {
        if (!Float.isFinite(value)) {
            throw new IllegalStateException("the " + which + " loss became " + value + " at step " + step
                    + " (" + metrics + "); lower the learning rate, raise the warm-up step or check the data");
        }
    }

    @Override
    public void close() {
        g.close();
        d.close();
        generatorModel.close();
        discriminatorModel.close();
    }
}
