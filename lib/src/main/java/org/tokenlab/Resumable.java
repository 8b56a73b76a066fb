package org.tokenlab;

/**
 * Something whose training changes state outside its parameters (an annealing step, dead-code
 * counters, a random generator, moving averages), and that can save that state and take it back, so
 * that a checkpointed run continues exactly as if it had not stopped. Parameters themselves (weights,
 * an EMA codebook's statistics) are saved with the model, not here.
 */
public interface Resumable {

    /** Writes this object's training state into {@code state} (a view that belongs to it alone). */
    void saveState(TrainingState state);

    /**
     * Takes back a state written by {@link #saveState}.
     *
     * @throws IllegalArgumentException when an entry is missing or of another kind
     */
    void loadState(TrainingState state);
}
