package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;

/**
 * The keys and values a stack of {@link MaskedSelfAttention} layers has already computed, one pair
 * per layer, for the {@code t} positions seen so far. Feeding the next token(s) with the cache gives
 * the same outputs as a full forward over the whole sequence (for masks where earlier positions
 * never see later ones: causal and prefix masks whose prefix is fed at once), while computing
 * attention only for the new positions.
 *
 * <p>Each layer's keys and values live in one array {@code (B, heads, capacity, headDim)},
 * allocated at the layer's first append and filled in place, so decoding allocates nothing per
 * token beyond the new keys and values. The cache owns its arrays in its own sub-manager: close it
 * (try-with-resources) when the sequence is done. It is tied to one batch size and one model (its
 * number of layers); start a new cache for a new batch.
 *
 * <pre>{@code
 * jshell> try (KvCache cache = model.newCache(manager)) {
 *    ...>     NDArray first = model.logits(prefix, cache);     // (B, P, V), cache.length() == P
 *    ...>     NDArray next = model.logits(token, cache);       // (B, 1, V) for position P
 *    ...> }
 * }</pre>
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final int capacity;
    private final NDArray[] keyBuffers;   // (B, heads, capacity, headDim) per layer
    private final NDArray[] valueBuffers;
    private final NDArray[] keys;         // views of the filled part, (B, heads, filled, headDim)
    private final NDArray[] values;
    private int length;

    /** An empty cache for {@code layers} layers and at most {@code capacity} positions, its arrays in a sub-manager of {@code parent}. */
    public KvCache(NDManager parent, int layers, int capacity) {
        Checks.notNull(parent, "manager");
        Checks.positive(layers, "KvCache layers");
        Checks.positive(capacity, "KvCache capacity");
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keyBuffers = new NDArray[layers];
        this.valueBuffers = new NDArray[layers];
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions cached so far: the position the next fed token will take. */
    public int length() {
        return length;
    }

    /** Most positions the cache holds (the model's maximum length). */
    public int capacity() {
        return capacity;
    }

    /** Number of layers (one key/value pair each). */
    public int layers() {
        return keys.length;
    }

    /** Cached keys {@code (B, heads, length, headDim)} of {@code layer}, owned by the cache; null before the first token. */
    public NDArray keys(int layer) {
        return keys[checkLayer(layer)];
    }

    /** Cached values {@code (B, heads, length, headDim)} of {@code layer}, owned by the cache; null before the first token. */
    public NDArray values(int layer) {
        return values[checkLayer(layer)];
    }

    /**
     * Writes the new keys and values {@code (B, heads, n, headDim)} of {@code layer} at positions
     * {@code length .. length + n - 1} and returns all of them {@code (B, heads, length + n, headDim)},
     * owned by the cache and valid until the next append to this layer. An attention layer calls
     * this; the model calls {@link #advance} once all its layers have appended.
     *
     * @throws IllegalArgumentException for another batch or head layout than the cached one, or
     *     more positions than the capacity
     */
    public NDList append(int layer, NDArray newKeys, NDArray newValues) {
        checkLayer(layer);
        Shape shape = newKeys.getShape();
        Checks.require(shape.dimension() == 4 && shape.equals(newValues.getShape()),
                "KvCache expects keys and values of one shape (B, heads, n, headDim), got %s and %s",
                Checks.describe(shape), Checks.describe(newValues.getShape()));
        long n = shape.get(2);
        Checks.require(length + n <= capacity,
                "KvCache holds at most %d positions, got %d new ones after %d cached; shorten the sequence or make a cache with a larger capacity",
                capacity, n, length);
        if (keyBuffers[layer] == null) {
            Shape buffer = new Shape(shape.get(0), shape.get(1), capacity, shape.get(3));
            keyBuffers[layer] = manager.zeros(buffer, newKeys.getDataType(), newKeys.getDevice());
            valueBuffers[layer] = manager.zeros(buffer, newValues.getDataType(), newValues.getDevice());
        } else {
            Shape cached = keyBuffers[layer].getShape();
            Checks.require(cached.get(0) == shape.get(0),
                    "KvCache holds a batch of %d sequences, got %d new ones; start a new cache with model.newCache(manager) for a new batch",
                    cached.get(0), shape.get(0));
            Checks.require(cached.get(1) == shape.get(1) && cached.get(3) == shape.get(3),
                    "KvCache layer %d holds %d heads of %d features, got keys %s; use one cache per model",
                    layer, cached.get(1), cached.get(3), Checks.describe(shape));
            keys[layer].close();
            values[layer].close();
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + n);
        keyBuffers[layer].set(slot, newKeys);
        valueBuffers[layer].set(slot, newValues);
        NDIndex filled = new NDIndex(":, :, :{}", length + n);
        keys[layer] = keyBuffers[layer].get(manager, filled);
        values[layer] = valueBuffers[layer].get(manager, filled);
        return new NDList(keys[layer], values[layer]);
    }

    /** Called by the model after all layers appended {@code n} positions. */
    public void advance(int n) {
        Checks.require(n >= 0 && length + n <= capacity,
                "KvCache can advance by 0..%d positions, got %d", capacity - length, n);
        length += n;
    }

    private int checkLayer(int layer) {
        Checks.require(layer >= 0 && layer < keys.length,
                "KvCache has layers 0..%d, got layer %d", keys.length - 1, layer);
        return layer;
    }

    @Override
    public void close() {
        manager.close();
    }
}
