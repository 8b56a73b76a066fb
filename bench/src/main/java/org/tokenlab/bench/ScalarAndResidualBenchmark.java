package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.quantize.FiniteScalarQuantizer;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;

/**
 * FSQ with the paper's 2^16 levels (8, 8, 8, 5, 5, 5) and residual VQ with 8 levels of 1024 codes of
 * dimension 64 (the SoundStream layout), 16384 tokens, forward + backward, in tokens per second.
 */
@State(Scope.Benchmark)
public class ScalarAndResidualBenchmark extends BenchmarkDefaults {

    static final int RVQ_DIM = 64;

    NDManager manager;
    NDArray fsqFeatures;
    NDArray rvqFeatures;
    FiniteScalarQuantizer fsq;
    ResidualQuantizer rvq;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        fsq = FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_16);
        fsqFeatures = QuantizerBench.features(manager, TOKENS, fsq.codeDimension());
        List<Quantizer> levels = new ArrayList<>();
        for (int q = 0; q < 8; q++) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(1024).setCodeDimension(RVQ_DIM).optSeed(q).build();
            vq.initialize(manager);
            levels.add(vq);
        }
        rvq = ResidualQuantizer.of(levels);
        rvqFeatures = QuantizerBench.features(manager, TOKENS, RVQ_DIM);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float fsqForwardBackward() {
        return QuantizerBench.forwardBackward(fsq, fsqFeatures);
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float residualVq8ForwardBackward() {
        return QuantizerBench.forwardBackward(rvq, rvqFeatures);
    }
}
