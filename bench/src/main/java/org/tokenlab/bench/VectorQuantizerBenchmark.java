package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.quantize.VectorQuantizer;

/**
 * VQ with K = 1024 codes of dimension 256 on 16384 tokens: the quantizer's forward + backward
 * against the bound set by the bare distance computation (one (N, K) matrix product, the norms
 * and the argmin) on the same data. Scores are tokens per second.
 */
@State(Scope.Benchmark)
public class VectorQuantizerBenchmark extends BenchmarkDefaults {

    static final int CODES = 1024;
    static final int DIM = 256;

    NDManager manager;
    NDArray features;
    VectorQuantizer vq;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        features = QuantizerBench.features(manager, TOKENS, DIM);
        vq = VectorQuantizer.builder().setCodebookSize(CODES).setCodeDimension(DIM).optSeed(1).build();
        vq.initialize(manager);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\n[memory] " + getClass().getSimpleName() + " peak RSS " + PeakMemory.peakMiB() + " MiB");
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float quantizerForwardBackward() {
        return QuantizerBench.forwardBackward(vq, features);
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public long quantizerForward() {
        return QuantizerBench.forward(vq, features);
    }

    /**
     * The bound: the least work that finds the nearest codes, argmin over ||e||^2 - 2 z e^T (||z||^2 is
     * the same for every code of a row and cannot change the argmin), nothing else.
     */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public long distanceArgminBound() {
        try (NDManager scope = manager.newSubManager()) {
            features.tempAttach(scope);
            NDArray codebook = vq.codebook();
            codebook.tempAttach(scope);
            NDArray z = features.stopGradient();
            // one fused product z (-2 e)^T + ||e||^2, as fast as the distance matrix can be had
            NDArray d = Linear.linear(z, codebook.mul(-2f), codebook.square().sum(new int[] {1})).singletonOrThrow(); // (N, K)
            return d.argMin(1).getShape().size();
        }
    }
}
