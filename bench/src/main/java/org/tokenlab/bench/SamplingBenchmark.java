package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.generate.AutoregressiveSampler;
import org.tokenlab.generate.TokenTransformer;

/**
 * Autoregressive sampling of 64 tokens for a batch of 16 with a small GPT (4 layers, 4 heads,
 * width 128, 512-token vocabulary, top-k 100), with and without the KV cache. Scores are sampled
 * tokens per second.
 */
@State(Scope.Benchmark)
public class SamplingBenchmark extends BenchmarkDefaults {

    static final int BATCH = 16;
    static final int LENGTH = 64;

    @Param({"true", "false"})
    boolean cache;

    NDManager manager;
    TokenTransformer model;
    NDArray prefix;
    AutoregressiveSampler sampler;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(1);
        model = TokenTransformer.builder().setVocabulary(512).setMaxLength(LENGTH + 1).optClasses(1)
                .optLayers(4).optHeads(4).optWidth(128).build();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, LENGTH + 1));
        prefix = model.classPrefix(manager, new int[BATCH]);
        sampler = AutoregressiveSampler.builder().optUseCache(cache).optTopK(100).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH * LENGTH)
    public long sample() {
        try (NDArray ids = sampler.sample(model, prefix, LENGTH)) {
            return ids.getShape().size();
        }
    }
}
