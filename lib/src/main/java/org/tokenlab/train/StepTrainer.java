package org.tokenlab.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.engine.EngineCheck;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.NonFiniteParameters;
import org.tokenlab.internal.OptimizerState;
import org.tokenlab.internal.Scopes;

/**
 * Trains one block with one optimizer, a step at a time, for models whose loss is more than a
 * label comparison (a quantizer's auxiliary loss, a reconstruction): the caller computes the loss
 * from the block's outputs. Every step runs in its own sub-manager, so nothing accumulates over
 * thousands of steps; observe the outputs inside the step (e.g. to count codes) before they are freed.
 *
 * <pre>{@code
 * jshell> var trainer = new StepTrainer(autoencoder, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), new Shape(256, 64));
 * jshell> float loss = trainer.step(new NDList(batch), list -> {
 *    ...>     TokenizerOutput out = TokenizerOutput.of(list);   // the autoencoder's outputs by name
 *    ...>     return out.reconstruction().sub(batch).square().mean().add(out.quantizerLoss());
 *    ...> }, list -> {});
 * }</pre>
 */
public final class StepTrainer implements AutoCloseable {

    private final Model model;
    private final Trainer trainer;
    private final Optimizer optimizer;
    private long steps;

    /** Initializes {@code block} for inputs of {@code inputShape} and prepares {@code optimizer}. */
    public StepTrainer(Block block, Optimizer optimizer, Shape... inputShapes) {
        Checks.notNull(block, "block");
        Checks.notNull(optimizer, "optimizer");
        Checks.require(inputShapes.length > 0, "StepTrainer needs the input shapes to initialize the block");
        EngineCheck.ensure(); // convolutions checked (and oneDNN routed around where wrong) before training
        this.optimizer = optimizer;
        this.model = Model.newInstance("tokenlab-step-trainer");
        model.setBlock(block);
        // the loss here only satisfies DJL's config; the caller computes the real loss
        this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer));
        trainer.initialize(inputShapes);
    }

    /**
     * One step: forward in training mode, {@code loss} of the outputs, backward, optimizer update.
     * {@code observe} sees the outputs before they are freed. Returns the loss value.
     *
     * @throws IllegalStateException when the loss is NaN or infinite, naming the step and, when some
     *     hold NaN or infinite values, the block's parameters that do
     */
    public float step(NDList inputs, Function<NDList, NDArray> loss, Consumer<NDList> observe) {
        try {
            return stepOrFail(inputs, loss, observe);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a NaN met on the way (non-finite features, a non-finite loss): name the parameters that hold it
            throw NonFiniteParameters.explain(e, Map.of("block", model.getBlock()));
        }
    }

    private float stepOrFail(NDList inputs, Function<NDList, NDArray> loss, Consumer<NDList> observe) {
        float value;
        try (NDManager scope = trainer.getManager().newSubManager()) {
            inputs.tempAttach(scope);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList outputs = trainer.forward(inputs);
                outputs.attach(scope);
                NDArray l = loss.apply(outputs);
                value = l.getFloat();
                if (!Float.isFinite(value)) {
                    throw new IllegalStateException("loss became " + value + " at step " + (steps + 1)
                            + "; lower the learning rate or check the inputs");
                }
                gc.backward(l);
                observe.accept(outputs);
            }
            trainer.step();
        }
        steps++;
        return value;
    }

    /**
     * The block's outputs in evaluation mode (no autograd graph, no state updates), attached to the
     * first input's manager; the intermediate activations are freed before returning.
     */
    public NDList predict(NDList inputs) {
        Checks.require(inputs != null && !inputs.isEmpty(), "predict needs at least one input array");
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResults(inputs, () -> trainer.evaluate(inputs));
        }
    }

    /** The parameter store, for calling the block's own methods (e.g. decoding) outside a step. */
    public ParameterStore parameterStore() {
        return new ParameterStore(trainer.getManager(), false);
    }

    /**
     * Saves the run to {@code file} (a version 2 {@link Checkpoint}, atomically): the block's
     * parameters and Resumable state, the optimizer's state and the step count, with {@code config}
     * (the block's configuration, e.g. {@code tokenizer.configuration()}). {@link #resume} continues it exactly.
     */
    public void save(Path file, Map<String, String> config) throws IOException {
        save(file, config, Map.of());
    }

    /** {@link #save(Path, Map)} plus the state of {@code others} (the batch stream...), by name. */
    public void save(Path file, Map<String, String> config, Map<String, ? extends Resumable> others) throws IOException {
        Checks.notNull(others, "others");
        try (NDManager scope = NDManager.newBaseManager()) {
            TrainingState state = TrainingState.empty();
            others.forEach((name, r) -> r.saveState(state.child("others").child(name)));
            Checkpoint.putModel(state.child(Checkpoint.MODEL), model.getBlock(), scope);
            OptimizerState.save(optimizer, model.getBlock(), state.child("optimizer"), scope);
            state.putLong("steps", steps);
            Checkpoint.write(file, config, state);
        }
    }

    /**
     * Continues the run saved by {@link #save}; {@code config} must equal the stored one.
     *
     * @throws IllegalArgumentException when the configuration or tensors differ (each difference named)
     *     or the file holds no run
     */
    public void resume(Path file, Map<String, String> config) throws IOException {
        resume(file, config, Map.of());
    }

    /** {@link #resume(Path, Map)}, giving each of {@code others} the state saved under its name. */
    public void resume(Path file, Map<String, String> config, Map<String, ? extends Resumable> others) throws IOException {
        Checks.notNull(config, "config");
        Checks.notNull(others, "others");
        Checkpoint.requireConfiguration(file, config, "trainer", "checkpoint %s was saved with another configuration "
                + "(%s); build the block with the checkpoint's settings (Checkpoint.readConfig shows them)");
        try (NDManager scope = trainer.getManager().newSubManager()) {
            TrainingState state = Checkpoint.read(file, scope).state();
            Checks.require(state.has("steps"), "checkpoint %s holds a model, not a StepTrainer run; "
                    + "load it with Checkpoint.load instead", file);
            Checkpoint.takeModel(state.child(Checkpoint.MODEL), model.getBlock(), Checkpoint.Remap.IDENTITY, file.toString());
            OptimizerState.load(optimizer, model.getBlock(), state.child("optimizer"));
            steps = state.getLong("steps");
            others.forEach((name, r) -> r.loadState(state.child("others").child(name)));
        }
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
