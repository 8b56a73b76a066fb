package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.quantize.LookupFreeQuantizer;

/**
 * LFQ with the entropy loss on 16384 tokens for d = 10, 14 and 18 bits (1024 to 262144 codes),
 * forward + backward. Each d runs in its own JVM, whose peak resident memory is printed at the end:
 * it must not grow with 2^d.
 */
@State(Scope.Benchmark)
public class LookupFreeQuantizerBenchmark extends BenchmarkDefaults {


    @Param({"10", "14", "18"})
    int bits;

    NDManager manager;
    NDArray features;
    LookupFreeQuantizer lfq;
    long residentBefore;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        features = QuantizerBench.features(manager, TOKENS, bits);
        lfq = LookupFreeQuantizer.builder().setCodeDimension(bits).build();
        residentBefore = PeakMemory.residentMiB();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\n[memory] LFQ d=" + bits + ": resident before " + residentBefore + " MiB, peak "
                + PeakMemory.peakMiB() + " MiB");
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float forwardBackwardWithEntropy() {
        return QuantizerBench.forwardBackward(lfq, features);
    }
}
