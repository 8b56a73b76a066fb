package org.tokenlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.tokenlab.internal.Checks;

/**
 * The keys and values a {@link TokenTransformer} has already computed, one pair per layer, each
 * {@code (B, heads, t, headDim)} for the {@code t} positions seen so far. Feeding the next token(s)
 * with the cache gives the same logits as a full forward over the whole sequence, while computing
 * attention only for the new positions: the work per sampled token no longer grows with the prefix
 * twice over.
 *
 * <p>The cache owns its arrays in its own sub-manager: close it (try-with-resources) when the
 * sequence is done. It is tied to one batch size and one model (its number of layers); start a new
 * cache for a new batch.
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
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    KvCache(NDManager parent, int layers) {
        Checks.notNull(parent, "manager");
        Checks.positive(layers, "layers");
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions cached so far: the position the next fed token will take. */
    public int length() {
        return length;
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
     * Appends the new keys and values {@code (B, heads, n, headDim)} of {@code layer} along the time
     * axis and returns all of them {@code (B, heads, length + n, headDim)}, owned by the cache and
     * valid until the next append to this layer.
     */
    NDList append(int layer, NDArray newKeys, NDArray newValues) {
        checkLayer(layer);
        NDArray oldKeys = keys[layer];
        NDArray oldValues = values[layer];
        if (oldKeys == null) {
            keys[layer] = newKeys;
            values[layer] = newValues;
        } else {
            long cachedBatch = oldKeys.getShape().get(0);
            Checks.require(cachedBatch == newKeys.getShape().get(0),
                    "KvCache holds a batch of %d sequences, got %d new ones; start a new cache with model.newCache(manager) for a new batch",
                    cachedBatch, newKeys.getShape().get(0));
            keys[layer] = oldKeys.concat(newKeys, 2);
            values[layer] = oldValues.concat(newValues, 2);
            oldKeys.close();
            oldValues.close();
        }
        keys[layer].attach(manager);
        values[layer].attach(manager);
        return new NDList(keys[layer], values[layer]);
    }

    /** Called by the model after all layers appended {@code n} positions. */
    void advance(int n) {
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
