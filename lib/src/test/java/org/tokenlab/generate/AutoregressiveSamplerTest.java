package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;

class AutoregressiveSamplerTest {

    @Test
    void samplingOnANewThreadRecordsNoGraphAndLeavesTheThreadAsItWas() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 2, 9);
            NDArray prefix = model.classPrefix(m, 0, 1);
            List<Boolean> recording = new ArrayList<>();
            FreshThread.run(() -> {
                assertTrue(Autograd.isRecording(prefix), "a new thread starts with the engine recording");
                AutoregressiveSampler sampler = AutoregressiveSampler.builder().optSeed(3).build();
                sampler.sample(ids -> {
                    recording.add(Autograd.isRecording(ids));
                    return model.logits(ids);
                }, prefix, 4);
                sampler.sample(model, prefix, 4);
                assertTrue(Autograd.isRecording(prefix), "sample gives the thread its grad mode back");
            });
            assertEquals(List.of(false, false, false, false), recording, "the model function runs without recording");
        }
    }

    @Test
    void topKOneIsGreedyArgmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 2, 9);
            NDArray prefix = model.classPrefix(m, 0, 1, 1);
            NDArray sampled = AutoregressiveSampler.builder().optTopK(1).optTemperature(5f).build().sample(model, prefix, 8);
            NDArray sequence = prefix;
            for (int t = 0; t < 8; t++) { // greedy by hand: argmax of the full forward's last position
                NDArray next = model.logits(sequence).get(":, -1, :").argMax(-1).reshape(3, 1);
                sequence = sequence.concat(next, 1);
            }
            assertEquals(new Shape(3, 8), sampled.getShape());
            assertArrayEquals(sequence.get(":, 1:").toLongArray(), sampled.toLongArray());
        }
    }

    @Test
    void theSeedFixesTheSamples() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 1, 9);
            NDArray prefix = model.classPrefix(m, 0, 0, 0, 0);
            long[] first = AutoregressiveSampler.builder().optSeed(7).build().sample(model, prefix, 8).toLongArray();
            long[] again = AutoregressiveSampler.builder().optSeed(7).build().sample(model, prefix, 8).toLongArray();
            long[] other = AutoregressiveSampler.builder().optSeed(8).build().sample(model, prefix, 8).toLongArray();
            assertArrayEquals(first, again);
            assertFalse(java.util.Arrays.equals(first, other), "32 draws from 11 ids matched under another seed");
        }
    }

    @Test
    void cacheFullForwardAndAFunctionDrawTheSameIds() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 10);
            NDArray prefix = TinyModels.ids(m, 9, 2, 3, 11); // continue a sequence of 3
            var cached = AutoregressiveSampler.builder().optSeed(3).optTopP(0.9).build();
            var uncached = AutoregressiveSampler.builder().optSeed(3).optTopP(0.9).optUseCache(false).build();
            long[] withCache = cached.sample(model, prefix, 8).toLongArray();
            assertArrayEquals(withCache, uncached.sample(model, prefix, 8).toLongArray());
            assertArrayEquals(withCache, cached.sample(ids -> model.logits(ids), prefix, 8).toLongArray());
        }
    }

    @Test
    void distributionAppliesTemperatureThenTopKThenTopP() {
        float[] logits = {1f, 2f, 3f, 0f};
        double[] hot = AutoregressiveSampler.builder().optTemperature(2f).build().distribution(logits);
        double z = Math.exp(0.5) + Math.exp(1.0) + Math.exp(1.5) + 1;
        assertArrayEquals(new double[] {Math.exp(0.5) / z, Math.exp(1.0) / z, Math.exp(1.5) / z, 1 / z}, hot, 1e-7);
        double[] two = AutoregressiveSampler.builder().optTopK(2).build().distribution(logits);
        assertArrayEquals(new double[] {0, 1 / (1 + Math.E), Math.E / (1 + Math.E), 0}, two, 1e-7);
        double[] nucleus = AutoregressiveSampler.builder().optTopK(3).optTopP(0.5).build().distribution(logits);
        assertArrayEquals(new double[] {0, 0, 1, 0}, nucleus, 1e-12); // p(3) = 0.665 >= 0.5 alone
        assertArrayEquals(new float[] {1f, 2f, 3f, 0f}, logits);   // the row is left as it was
    }

    @Test
    void leavesOnlyTheResultOnThePrefixManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 1, 9);
            NDArray prefix = model.classPrefix(m, 0, 0);
            int before = m.getManagedArrays().size();
            AutoregressiveSampler.builder().build().sample(model, prefix, 8);
            AutoregressiveSampler.builder().optUseCache(false).build().sample(model, prefix, 8);
            assertEquals(before + 2, m.getManagedArrays().size());
        }
    }
}
