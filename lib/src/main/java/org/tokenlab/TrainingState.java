package org.tokenlab;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.tokenlab.internal.Checks;

/**
 * What training changed besides a model's parameters, by name: step counters, moving averages,
 * random-generator states, optimizer moments. A {@link Resumable} writes its part here and reads it
 * back; a checkpoint stores the whole of it, so that a run resumes exactly where it stopped.
 *
 * <p>Names are dotted paths; {@link #child(String)} gives a view under a prefix, so a part never
 * needs to know where it sits (a quantizer writes {@code "steps"}, and inside a tokenizer it is stored
 * as {@code "generator.quantizer.steps"}). Values are numbers, flags, Java arrays of numbers, or
 * NDArrays; arrays put here are copies owned by this state's owner (a checkpoint's manager).
 *
 * <pre>{@code
 * jshell> TrainingState state = TrainingState.empty();
 * jshell> state.child("lecam").putDouble("emaReal", 0.5);
 * jshell> state.getDouble("lecam.emaReal")     // 0.5
 * }</pre>
 */
public final class TrainingState {

    private final String prefix;
    private final Map<String, Object> values;

    private TrainingState(String prefix, Map<String, Object> values) {
        this.prefix = prefix;
        this.values = values;
    }

    /** A new, empty state. */
    public static TrainingState empty() {
        return new TrainingState("", new TreeMap<>());
    }

    /** The view of this state under {@code name}: its entries are stored as {@code name.<entry>}. */
    public TrainingState child(String name) {
        return new TrainingState(key(name) + ".", values);
    }

    public TrainingState putLong(String name, long value) {
        return put(name, value);
    }

    public TrainingState putDouble(String name, double value) {
        return put(name, value);
    }

    public TrainingState putBoolean(String name, boolean value) {
        return put(name, value);
    }

    /** Stores {@code values} (copied). */
    public TrainingState putDoubles(String name, double[] values) {
        return put(name, Checks.notNull(values, name).clone());
    }

    /** Stores {@code values} (copied). */
    public TrainingState putLongs(String name, long[] values) {
        return put(name, Checks.notNull(values, name).clone());
    }

    /** Stores {@code array} as given: pass a copy the state may own (e.g. {@code duplicate()}). */
    public TrainingState putArray(String name, NDArray array) {
        return put(name, Checks.notNull(array, name));
    }

    /** Whether an entry {@code name} exists under this view. */
    public boolean has(String name) {
        return values.containsKey(key(name));
    }

    public long getLong(String name) {
        return get(name, Long.class);
    }

    public double getDouble(String name) {
        return get(name, Double.class);
    }

    public boolean getBoolean(String name) {
        return get(name, Boolean.class);
    }

    public double[] getDoubles(String name) {
        return get(name, double[].class).clone();
    }

    public long[] getLongs(String name) {
        return get(name, long[].class).clone();
    }

    public NDArray getArray(String name) {
        return get(name, NDArray.class);
    }

    /** Every entry of the whole state (not only this view), by full name, sorted; read-only. */
    public Map<String, Object> entries() {
        return Collections.unmodifiableMap(values);
    }

    /** The full names of the entries under this view, relative to it, sorted. */
    public java.util.List<String> names() {
        return values.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).toList();
    }

    /** Adds an entry by its full name; how a checkpoint fills a state it reads. */
    public void putEntry(String fullName, Object value) {
        Checks.require(value instanceof Long || value instanceof Double || value instanceof Boolean
                        || value instanceof double[] || value instanceof long[] || value instanceof NDArray,
                "a training state holds Long, Double, Boolean, double[], long[] or NDArray values, got %s for '%s'",
                value == null ? "null" : value.getClass().getName(), fullName);
        values.put(fullName, value);
    }

    private TrainingState put(String name, Object value) {
        values.put(key(name), value);
        return this;
    }

    private <T> T get(String name, Class<T> type) {
        Object v = values.get(key(name));
        Checks.require(v != null, "the training state has no entry '%s'%s; it was saved by another kind of model "
                + "or an older version: load it into the model that saved it", key(name),
                names().isEmpty() ? "" : " (entries here: " + String.join(", ", names()) + ")");
        Checks.require(type.isInstance(v), "training state entry '%s' holds a %s, expected a %s", key(name),
                v.getClass().getSimpleName(), type.getSimpleName());
        return type.cast(v);
    }

    private String key(String name) {
        Checks.require(name != null && !name.isEmpty() && !name.contains("\n") && !name.contains("="),
                "a training state name must be non-empty without '=' or newlines, got '%s'", name);
        return prefix + name;
    }
}
