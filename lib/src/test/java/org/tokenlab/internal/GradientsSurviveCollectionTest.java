package org.tokenlab.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tokenlab.generate.CausalLoss;
import org.tokenlab.generate.TokenTransformer;
import org.tokenlab.internal.JavaBackedArrays.Poison;
import org.tokenlab.loss.DigitClassifier;
import org.tokenlab.loss.GanLosses;
import org.tokenlab.loss.LeCam;
import org.tokenlab.loss.PatchDiscriminator;
import org.tokenlab.loss.PerceptualLoss;
import org.tokenlab.nn.Padding;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;
import org.tokenlab.quantize.FiniteScalarQuantizer;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;

/**
 * Every loss and block that training differentiates must give the same gradients however the memory
 * of closed Java-backed arrays is reused between the forward and the backward pass.
 *
 * <p>With DJL's PyTorch engine, a constant made from Java data (the scalar inside {@code x.mul(2f)},
 * {@code x.maximum(1e-12f)}, {@code manager.create(float[])}) is a view of a Java direct buffer.
 * Autograd keeps that tensor for the backward pass, but the Java side closes it at once, so a
 * collection frees the buffer and the backward pass reads whatever was written there since: at a
 * random training step the gradients become garbage or NaN (in the VQGAN tutorial, after tens or
 * hundreds of steps).
 *
 * <p>The check is deterministic: it neither waits for a collection nor hopes that freed memory is
 * reused. {@link JavaBackedArrays} records every Java-backed array that the forward pass makes and
 * keeps its buffer reachable; before the backward pass, the buffers of those already closed (the
 * ones a collection may free at any moment) are overwritten, in three runs, with NaN, with a huge
 * positive and with a huge negative value, and each run's gradients must equal those of an
 * undisturbed run. A closed constant whose value the backward pass uses therefore changes the
 * gradients in every run of the check, whatever the garbage collector, the C library and the
 * machine do: NaN spreads through products and quotients, and the huge values move the bound of
 * {@code maximum} and {@code minimum} across every element, where NaN compares false and changes
 * nothing (a norm's {@code maximum(1e-12f)} is caught only by the huge positive value,
 * {@code minimum(1e6f)} only by the huge negative one). Closed Java-backed arrays that the backward
 * pass does not read (indices and masks used only forward) change nothing, as in training. The last
 * test shows that the check flags each of several raw DJL constants on a gradient path in every one
 * of {@value #GUARD_RUNS} runs, and never their {@link Scalars} equivalents.
 *
 * <p>The check that this replaces ran {@code System.gc()} and filled fresh native allocations with
 * NaN, six times per computation; on a 2-core Debian 12 machine (glibc 2.36, JDK 17) it caught {@code z.mul(3f)} in 26 to
 * 38 of 50 trials, a norm's {@code maximum(1e-12f)} in 0 to 5 of 50. The direct buffer is freed
 * later, on the JDK's reference handler thread, so the test thread's allocations need not land on
 * it; and glibc writes its free-list link over the first 8 to 16 bytes of a freed chunk, so a freed
 * 4-byte scalar mostly reads as a pointer fragment, a tiny number, which leaves the gradient of
 * {@code maximum(x, 1e-12f)} as it is. For the same reason, filling memory as it is freed (glibc's
 * {@code malloc.perturb} tunable, thread cache off) never reaches a freed scalar (0 of 50 for
 * {@code maximum} there), and it would only work with glibc. This check depends on no C library:
 * it frees nothing before the backward pass.
 */
class GradientsSurviveCollectionTest {

    /** How often the guard's own test runs each deliberately bad and good computation. */
    private static final int GUARD_RUNS = 20;

    /** A computation of a scalar loss from arrays that require gradients, on the given scope. */
    private interface LossOf extends Function<NDManager, NDArray> {}

    @Test
    void vectorQuantizerGradientsToFeaturesAndCodebook() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optSeed(1).build()
                    .initialize(m);
            assertQuantizerGradientsSurvive(m, vq, new Shape(2, 4, 3, 3));
        }
    }

    @Test
    void vectorQuantizerWithCosineDistanceAndEntropyLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optCosine(true)
                    .optEntropyWeight(0.1).optSeed(2).build().initialize(m);
            assertQuantizerGradientsSurvive(m, vq, new Shape(2, 4, 3, 3));
        }
    }

    @Test
    void lookupFreeQuantizerWithExactAndGroupedEntropy() {
        for (EntropyMode mode : EntropyMode.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(3);
                var builder = LookupFreeQuantizer.builder().setCodeDimension(6).optEntropyWeight(0.1).optEntropyMode(mode);
                LookupFreeQuantizer lfq = (mode == EntropyMode.SUBGROUPS ? builder.optGroupBits(3) : builder).build();
                assertQuantizerGradientsSurvive(m, lfq, new Shape(2, 6, 3, 3));
            }
        }
    }

    @Test
    void finiteScalarAndResidualQuantizers() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            assertQuantizerGradientsSurvive(m, FiniteScalarQuantizer.of(8, 5, 5, 5), new Shape(2, 4, 3, 3));
            VectorQuantizer first = VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(1).build()
                    .initialize(m);
            VectorQuantizer second = VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(2).build()
                    .initialize(m);
            assertQuantizerGradientsSurvive(m, ResidualQuantizer.of(List.of(first, second)), new Shape(2, 4, 3, 3));
        }
    }

    @Test
    void residualQuantizerWithPerExampleQuantizerDropout() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            VectorQuantizer first = VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(1).build();
            VectorQuantizer second = VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(2).build();
            ResidualQuantizer.of(List.of(first, second)).initialize(m);
            NDArray z = m.randomNormal(new Shape(4, 4, 3, 3));
            NDArray weights = m.randomNormal(z.getShape());
            List<NDArray> leaves = new ArrayList<>(List.of(z));
            leaves.add(first.codebook());
            leaves.add(second.codebook());
            // a fresh block per pass, same seed: every pass draws the depths 2, 1, 1, 1, so level 1 sees example 0 only
            assertGradientsSurvive("ResidualQuantizer with quantizer dropout", m, leaves, scope -> {
                ResidualQuantizer rvq = ResidualQuantizer.builder().addLevel(first).addLevel(second)
                        .optQuantizerDropout(true).optSeed(1).build();
                QuantizerOutput out = rvq.quantize(z, true);
                return out.quantized().mul(weights).sum().add(out.loss());
            });
        }
    }

    @Test
    void vqganTokenizerForwardWithAttentionResamplingAndGroupNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            VqganConfig config = VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2)
                    .optGroups(4).optLatentChannels(8).build();
            VqganTokenizer tokenizer = VqganTokenizer.of(config,
                    VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(5).build());
            Shape images = new Shape(2, 1, 8, 8);
            tokenizer.initialize(m, DataType.FLOAT32, images);
            NDArray pixels = m.randomUniform(-1, 1, images);
            NDArray weights = m.randomNormal(images);
            assertGradientsSurvive("VqganTokenizer", m, parameters(tokenizer), scope -> {
                TokenizerOutput out = tokenizer.forward(new ParameterStore(scope, false), pixels, true);
                return out.reconstruction().mul(weights).sum().add(out.quantizerLoss());
            });
        }
    }

    @Test
    void perceptualLossThroughTheDigitClassifier() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            DigitClassifier classifier = DigitClassifier.builder().build();
            classifier.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            PerceptualLoss perceptual = new PerceptualLoss(classifier);
            NDArray reconstruction = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            NDArray target = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            // blank rows give all-zero features: the normalization's epsilon is on the gradient path
            reconstruction.set(new NDIndex(":, :, 0:8, :"), -1f);
            assertGradientsSurvive("PerceptualLoss", m, List.of(reconstruction),
                    scope -> perceptual.loss(reconstruction, target));
        }
    }

    @Test
    void ganLossesLeCamAndThePatchDiscriminator() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            Block d = PatchDiscriminator.builder().optInputChannels(1).optBaseChannels(8).optLayers(2).build();
            Shape images = new Shape(2, 1, 32, 32);
            d.initialize(m, DataType.FLOAT32, images);
            NDArray real = m.randomUniform(-1, 1, images);
            NDArray fake = m.randomUniform(-1, 1, images);
            LeCam lecam = new LeCam();
            lecam.update(m.randomNormal(new Shape(2, 1, 2, 2)), m.randomNormal(new Shape(2, 1, 2, 2)));
            for (GanLosses gan : GanLosses.values()) {
                assertGradientsSurvive("PatchDiscriminator with " + gan, m, parameters(d), scope -> {
                    ParameterStore ps = new ParameterStore(scope, false);
                    NDArray realLogits = d.forward(ps, new NDList(real), true).singletonOrThrow();
                    NDArray fakeLogits = d.forward(ps, new NDList(fake), true).singletonOrThrow();
                    return gan.discriminatorLoss(realLogits, fakeLogits).add(gan.generatorLoss(fakeLogits))
                            .add(lecam.loss(realLogits, fakeLogits));
                });
            }
        }
    }

    @Test
    void tokenTransformerWithTheCausalLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(8);
            TokenTransformer model = TokenTransformer.builder().setVocabulary(12).setMaxLength(9).optClasses(3)
                    .optLayers(2).optHeads(2).optWidth(16).build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 9));
            NDArray tokens = m.randomInteger(0, 12, new Shape(3, 8), DataType.INT64);
            NDArray sequences = model.classPrefix(m, 0, 1, 2).concat(tokens, 1); // (3, 9)
            assertGradientsSurvive("TokenTransformer", m, parameters(model), scope -> {
                NDArray logits = model.forward(new ParameterStore(scope, false), CausalLoss.inputsOf(sequences), null, true);
                return CausalLoss.crossEntropy(logits, CausalLoss.targetsOf(sequences), 1);
            });
        }
    }

    @Test
    void reflectAndReplicatePaddingOfImagesAndVideos() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(10);
            for (PaddingMode mode : List.of(PaddingMode.REFLECT, PaddingMode.REPLICATE)) {
                NDArray image = m.randomNormal(new Shape(2, 3, 4, 5));
                NDArray imageWeights = m.randomNormal(new Shape(2, 3, 7, 7));
                // the backward pass of each gathered axis reads its indices
                assertGradientsSurvive("Padding " + mode + " of images", m, List.of(image),
                        scope -> Padding.pad(image, mode, 1, 2, 2, 0).mul(imageWeights).sum());
                NDArray video = m.randomNormal(new Shape(1, 2, 3, 4, 4));
                NDArray videoWeights = m.randomNormal(new Shape(1, 2, 5, 6, 6));
                assertGradientsSurvive("Padding " + mode + " of videos", m, List.of(video),
                        scope -> Padding.pad(video, mode, 2, 0, 1, 1, 1, 1).mul(videoWeights).sum());
            }
        }
    }

    @Test
    void theGuardFlagsARawDjlConstantOnTheGradientPathInEveryRunAndNeverItsScalarsEquivalent() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            NDArray z = m.randomNormal(new Shape(2, 4, 3, 3));
            NDArray weights = m.randomNormal(new Shape(2, 4, 3, 3));
            Shape channels = new Shape(1, 4, 1, 1);
            float[] scale = {0.5f, -1f, 2f, 3f};
            long[] picks = {0, 5, 5, 17, 71};
            Map<String, LossOf> bad = new LinkedHashMap<>();
            Map<String, LossOf> good = new LinkedHashMap<>();
            bad.put("z.mul(3f)", s -> z.mul(3f).mul(weights).sum());
            good.put("z.mul(Scalars.of(z, 3))", s -> z.mul(Scalars.of(z, 3)).mul(weights).sum());
            // z has both signs: every poison changes which of its elements pass the gradient
            bad.put("z.maximum(1e-12f)", s -> z.maximum(1e-12f).mul(weights).sum());
            good.put("z.maximum(Scalars.of(z, 1e-12))", s -> z.maximum(Scalars.of(z, 1e-12)).mul(weights).sum());
            // positive input, as under a norm's epsilon: NaN compares false and leaves the gradient as it is
            bad.put("norm's maximum(1e-12f)", s -> z.square().sum(new int[] {1}).maximum(1e-12f).sqrt().sum());
            good.put("norm's maximum(Scalars.of(z, 1e-12))",
                    s -> z.square().sum(new int[] {1}).maximum(Scalars.of(z, 1e-12)).sqrt().sum());
            // bounded input: only the huge negative value moves the bound
            bad.put("z.minimum(1e6f)", s -> z.minimum(1e6f).mul(weights).sum());
            good.put("z.minimum(Scalars.of(z, 1e6))", s -> z.minimum(Scalars.of(z, 1e6)).mul(weights).sum());
            bad.put("a closed manager.create(float[])", s -> {
                try (NDArray c = s.create(scale, channels)) {
                    return z.mul(c).mul(weights).sum();
                }
            });
            good.put("Scalars.owned(manager.create(float[]))", s -> {
                try (NDArray c = Scalars.owned(s.create(scale, channels))) {
                    return z.mul(c).mul(weights).sum();
                }
            });
            // the backward pass of indexing reads the indices
            bad.put("closed indices from manager.create(long[])", s -> {
                try (NDArray i = s.create(picks)) {
                    return z.reshape(-1).get(i).square().sum();
                }
            });
            good.put("indices from Scalars.owned(manager.create(long[]))", s -> {
                try (NDArray i = Scalars.owned(s.create(picks))) {
                    return z.reshape(-1).get(i).square().sum();
                }
            });
            for (Map.Entry<String, LossOf> e : bad.entrySet()) {
                int flagged = 0;
                for (int run = 0; run < GUARD_RUNS; run++) {
                    String problem = freedMemoryRead(e.getKey(), m, List.of(z), e.getValue());
                    if (problem != null) {
                        flagged++;
                        // the message names where the closed Java-backed arrays were made: here
                        assertTrue(problem.contains("made at " + GradientsSurviveCollectionTest.class.getName()), problem);
                    }
                }
                assertEquals(GUARD_RUNS, flagged, e.getKey() + ": runs in which the guard flagged it");
            }
            for (Map.Entry<String, LossOf> e : good.entrySet()) {
                for (int run = 0; run < GUARD_RUNS; run++) {
                    String problem = freedMemoryRead(e.getKey(), m, List.of(z), e.getValue());
                    assertNull(problem, problem);
                }
            }
        }
    }

    private static void assertQuantizerGradientsSurvive(NDManager m, Quantizer quantizer, Shape features) {
        NDArray z = m.randomNormal(features);
        NDArray weights = m.randomNormal(features);
        List<NDArray> leaves = new ArrayList<>(List.of(z));
        if (quantizer instanceof AbstractBlock block) {
            leaves.addAll(parameters(block));
        }
        assertGradientsSurvive(quantizer.getClass().getSimpleName(), m, leaves, scope -> {
            QuantizerOutput out = quantizer.quantize(z, false);
            return out.quantized().mul(weights).sum().add(out.loss());
        });
    }

    private static List<NDArray> parameters(Block block) {
        List<NDArray> arrays = new ArrayList<>();
        block.getParameters().values().forEach(p -> {
            if (p.requiresGradient()) {
                arrays.add(p.getArray());
            }
        });
        return arrays;
    }

    /**
     * Runs {@code loss} once and differentiates it undisturbed, then once with each {@link Poison}
     * in the memory of the Java-backed arrays that the forward pass made and closed, and requires the
     * same finite gradients for every leaf.
     */
    private static void assertGradientsSurvive(String what, NDManager m, List<NDArray> leaves, LossOf loss) {
        String problem = freedMemoryRead(what, m, leaves, loss);
        if (problem != null) {
            fail(problem);
        }
    }

    /** What differs when closed Java-backed arrays are overwritten before the backward pass; null if nothing. */
    private static String freedMemoryRead(String what, NDManager m, List<NDArray> leaves, LossOf loss) {
        leaves.forEach(a -> a.setRequiresGradient(true));
        List<float[]> reference = gradients(m, leaves, loss, null).gradients();
        for (int i = 0; i < reference.size(); i++) {
            for (float v : reference.get(i)) {
                assertTrue(Float.isFinite(v), what + ": leaf " + i + " has a non-finite gradient without any disturbance");
            }
        }
        for (Poison poison : Poison.values()) {
            Run run = gradients(m, leaves, loss, poison);
            String overwritten = " when the memory of the " + run.poisoned() + " Java-backed arrays that the forward pass"
                    + " made and closed was overwritten with " + poison + " before the backward pass, as a collection may"
                    + " free and reuse it: a constant on the gradient path is backed by Java memory (use Scalars). One of"
                    + " these: " + run.closed();
            if (run.failure() != null) {
                return what + ": the backward pass failed with " + run.failure() + overwritten;
            }
            for (int i = 0; i < reference.size(); i++) {
                float[] a = reference.get(i);
                float[] b = run.gradients().get(i);
                for (int j = 0; j < a.length; j++) {
                    if (!(Math.abs(a[j] - b[j]) <= 1e-4 * Math.max(1, Math.abs(a[j])))) {
                        return what + ": leaf " + i + " of shape " + leaves.get(i).getShape() + " has gradient " + b[j]
                                + " at " + j + " instead of " + a[j] + overwritten;
                    }
                }
            }
        }
        return null;
    }

    /** The gradients of one run, or why its backward pass failed; with the closed Java-backed arrays it saw. */
    private record Run(List<float[]> gradients, RuntimeException failure, int poisoned, String closed) {}

    /** One forward and backward pass; with a poison, the closed Java-backed arrays are overwritten in between. */
    private static Run gradients(NDManager m, List<NDArray> leaves, LossOf loss, Poison poison) {
        try (NDManager scope = m.newSubManager()) {
            for (NDArray leaf : leaves) {
                NDArray g = leaf.getGradient();
                g.set(new NDIndex("..."), 0f);
                g.close();
            }
            JavaBackedArrays made = JavaBackedArrays.record();
            int poisoned = 0;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray value;
                try {
                    value = loss.apply(scope);
                } finally {
                    made.close();
                }
                if (poison != null) {
                    poisoned = made.poison(poison);
                }
                try {
                    gc.backward(value);
                } catch (RuntimeException e) {
                    if (poison == null) {
                        throw e;
                    }
                    return new Run(List.of(), e, poisoned, made.releasedSummary());
                } finally {
                    made.restore();
                }
            }
            List<float[]> out = new ArrayList<>();
            for (NDArray leaf : leaves) {
                NDArray g = leaf.getGradient();
                out.add(g.toFloatArray());
                g.close();
            }
            return new Run(out, null, poisoned, made.releasedSummary());
        }
    }
}
