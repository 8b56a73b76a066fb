package org.tokenlab.internal;

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
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tokenlab.generate.CausalLoss;
import org.tokenlab.generate.TokenTransformer;
import org.tokenlab.loss.DigitClassifier;
import org.tokenlab.loss.GanLosses;
import org.tokenlab.loss.LeCam;
import org.tokenlab.loss.PatchDiscriminator;
import org.tokenlab.loss.PerceptualLoss;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;
import org.tokenlab.quantize.FiniteScalarQuantizer;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;

/**
 * Every loss and block that training differentiates must give the same gradients when the JVM
 * collects garbage between the forward and the backward pass.
 *
 * <p>With DJL's PyTorch engine, a constant made from Java data (the scalar inside {@code x.mul(2f)},
 * {@code x.maximum(1e-12f)}, {@code manager.create(float[])}) is a view of a Java direct buffer.
 * Autograd keeps that tensor for the backward pass, but the Java side closes it at once, so a
 * collection frees the buffer and the backward pass reads whatever was written there since: at a
 * random training step the gradients become garbage or NaN (in the VQGAN tutorial, after tens or
 * hundreds of steps). Here each computation runs once undisturbed, then several times with
 * collections and NaN-filled native allocations between forward and backward; the gradients must
 * match. A single such constant left on a gradient path fails these checks in most trials.
 */
class GradientsSurviveCollectionTest {

    private static final int TRIALS = 6;

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
            VqganTokenizer tokenizer = VqganTokenizer.of(new VqganConfig(1, 8, new int[] {1, 2}, 1, true, 4, 8),
                    VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(5).build());
            Shape images = new Shape(2, 1, 8, 8);
            tokenizer.initialize(m, DataType.FLOAT32, images);
            NDArray pixels = m.randomUniform(-1, 1, images);
            NDArray weights = m.randomNormal(images);
            assertGradientsSurvive("VqganTokenizer", m, parameters(tokenizer), scope -> {
                NDList out = tokenizer.forward(new ParameterStore(scope, false), new NDList(pixels), true);
                return out.get(0).mul(weights).sum().add(out.get(2));
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
     * Runs {@code loss} once and differentiates it without disturbance, then {@link #TRIALS} times
     * with collections and NaN-filled native memory between forward and backward, and requires the
     * same finite gradients for every leaf.
     */
    private static void assertGradientsSurvive(String what, NDManager m, List<NDArray> leaves, LossOf loss) {
        leaves.forEach(a -> a.setRequiresGradient(true));
        List<float[]> reference = gradients(m, leaves, loss, false);
        for (int i = 0; i < reference.size(); i++) {
            for (float v : reference.get(i)) {
                assertTrue(Float.isFinite(v), what + ": leaf " + i + " has a non-finite gradient without any collection");
            }
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            List<float[]> disturbed = gradients(m, leaves, loss, true);
            for (int i = 0; i < reference.size(); i++) {
                float[] a = reference.get(i);
                float[] b = disturbed.get(i);
                for (int j = 0; j < a.length; j++) {
                    if (!(Math.abs(a[j] - b[j]) <= 1e-4 * Math.max(1, Math.abs(a[j])))) {
                        fail(what + ": after a collection between forward and backward (trial " + trial + "), leaf " + i
                                + " of shape " + leaves.get(i).getShape() + " has gradient " + b[j] + " at " + j + " instead of "
                                + a[j] + "; a constant on the gradient path is backed by Java memory (use Scalars)");
                    }
                }
            }
        }
    }

    private static List<float[]> gradients(NDManager m, List<NDArray> leaves, LossOf loss, boolean disturb) {
        try (NDManager scope = m.newSubManager()) {
            for (NDArray leaf : leaves) {
                NDArray g = leaf.getGradient();
                g.set(new NDIndex("..."), 0f);
                g.close();
            }
            List<ByteBuffer> garbage = null;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray value = loss.apply(scope);
                if (disturb) {
                    garbage = collectAndOverwrite();
                }
                gc.backward(value);
            }
            List<float[]> out = new ArrayList<>();
            for (NDArray leaf : leaves) {
                NDArray g = leaf.getGradient();
                out.add(g.toFloatArray());
                g.close();
            }
            Reference.reachabilityFence(garbage); // the NaN-filled buffers stay allocated until after the backward pass
            return out;
        }
    }

    /**
     * Collects garbage (which frees the direct buffers of closed Java-backed arrays) and then fills
     * fresh native allocations of common small sizes with NaN, so that freed memory is overwritten.
     */
    private static List<ByteBuffer> collectAndOverwrite() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            System.gc();
            for (int bytes = 4; bytes <= 4096; bytes *= 2) {
                for (int i = 0; i < 400; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                    while (b.remaining() >= 4) {
                        b.putFloat(Float.NaN);
                    }
                    keep.add(b);
                }
            }
        }
        return keep;
    }
}
