package org.tokenlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tokenlab.generate.AutoregressiveSampler;
import org.tokenlab.generate.MaskGitResult;
import org.tokenlab.generate.MaskGitSampler;
import org.tokenlab.generate.MaskedTokenTransformer;
import org.tokenlab.generate.TokenTransformer;

/**
 * Generating one 4x16x16 token grid (1,024 tokens, MAGVIT's latent shape for 16 frames of 128x128)
 * two ways with transformers of the same size (4 layers, 8 heads, width 256, 1,024 codes, one class
 * token in front): MaskGIT's parallel decoding in 12 steps with a {@link MaskedTokenTransformer}
 * (12 full forward passes over 1,025 positions), and autoregressive sampling with a
 * {@link TokenTransformer} and its KV cache (1,024 one-token forward passes). Both draw from the
 * plain softmax on the host. Scores are generated tokens per second.
 */
@State(Scope.Benchmark)
public class MaskGitDecodingBenchmark extends BenchmarkDefaults {

    static final int BATCH = 1;
    static final int FRAMES = 4;
    static final int SIDE = 16;
    static final int LENGTH = FRAMES * SIDE * SIDE;
    static final int CODEBOOK = 1024;
    static final int STEPS = 12;

    NDManager manager;
    MaskedTokenTransformer maskgit;
    Function<NDArray, NDArray> conditioned;
    MaskGitSampler parallel;
    NDArray blank;
    NDArray nothingKnown;
    TokenTransformer gpt;
    AutoregressiveSampler autoregressive;
    NDArray classPrefix;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(1);
        maskgit = MaskedTokenTransformer.builder().setCodebook(CODEBOOK).setGridShape(FRAMES, SIDE, SIDE).optClasses(1)
                .optLayers(4).optHeads(8).optWidth(256).build();
        maskgit.initialize(manager, DataType.FLOAT32, new Shape(1, 1 + LENGTH));
        conditioned = maskgit.conditionedOn(maskgit.prefix(manager, null, new int[BATCH]));
        parallel = MaskGitSampler.builder().setMaskId(maskgit.maskId()).optSteps(STEPS).build();
        blank = manager.zeros(new Shape(BATCH, LENGTH), DataType.INT64);
        nothingKnown = manager.zeros(new Shape(BATCH, LENGTH), DataType.BOOLEAN);

        gpt = TokenTransformer.builder().setVocabulary(CODEBOOK).setMaxLength(1 + LENGTH).optClasses(1)
                .optLayers(4).optHeads(8).optWidth(256).build();
        gpt.initialize(manager, DataType.FLOAT32, new Shape(1, 1 + LENGTH));
        autoregressive = AutoregressiveSampler.builder().optUseCache(true).build();
        classPrefix = gpt.classPrefix(manager, new int[BATCH]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH * LENGTH)
    public long maskGit12Steps() {
        MaskGitResult result = parallel.decode(conditioned, blank, nothingKnown);
        try (NDArray ids = result.ids(); NDArray fixed = result.fixedAtStep()) {
            return ids.getShape().size() + fixed.getShape().size();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH * LENGTH)
    public long autoregressiveWithCache() {
        try (NDArray ids = autoregressive.sample(gpt, classPrefix, LENGTH)) {
            return ids.getShape().size();
        }
    }
}
