package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;

/** The entropy loss: per-sample term, exact and sub-group batch terms, chunking and gradients. */
class LookupFreeQuantizerEntropyTest {

    private static final double LN2 = Math.log(2);

    /** Standard normal values from {@code java.util.Random(seed)}, the same on every engine. */
    private static NDArray random(NDManager manager, int seed, long... shape) {
        Random random = new Random(seed);
        float[] values = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(shape));
    }

    private static float entropyPart(LookupFreeQuantizerBuilder builder, NDArray z) {
        return builder.build().quantize(z).lossParts().get("entropy").getFloat();
    }

    @Test
    void perSampleEntropyOfZeroIsLn2PerBitAtAnyTemperature() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.zeros(new Shape(3, 1));
            for (double temperature : new double[] {0.01, 1, 100}) {
                LookupFreeQuantizerBuilder b = LookupFreeQuantizer.builder().setCodeDimension(1)
                        .optEntropyWeight(1).optDiversityWeight(0).optTemperature(temperature);
                assertEquals(LN2, entropyPart(b, z), 1e-6);
            }
        }
    }

    @Test
    void perSampleEntropyOfOneBitIsTheBernoulliEntropyOfSigmoidFourZOverT() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new float[] {0.01f, -0.02f}, new Shape(2, 1));
            double[] p = {1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(2))}; // sigmoid(4 z / 0.04)
            double expected = 0;
            for (double pi : p) {
                expected += -(pi * Math.log(pi) + (1 - pi) * Math.log(1 - pi)) / 2;
            }
            LookupFreeQuantizerBuilder b = LookupFreeQuantizer.builder().setCodeDimension(1)
                    .optEntropyWeight(0.5).optDiversityWeight(0).optTemperature(0.04);
            assertEquals(0.5 * expected, entropyPart(b, z), 1e-6);
        }
    }

    @Test
    void twoFarApartTokensAtSharpTemperatureGiveBatchEntropyLn2() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new float[] {-1f, -1f, 1f, 1f}, new Shape(2, 2)); // codes 0 and 3
            LookupFreeQuantizerBuilder exact = LookupFreeQuantizer.builder().setCodeDimension(2)
                    .optEntropyWeight(1).optEntropyMode(EntropyMode.EXACT);
            assertEquals(-LN2, entropyPart(exact, z), 1e-5); // per-sample 0 - batch ln 2
            // one-bit groups see two fair coins and miss that the bits are equal: 2 ln 2 >= ln 2
            LookupFreeQuantizerBuilder groups = LookupFreeQuantizer.builder().setCodeDimension(2)
                    .optEntropyWeight(1).optEntropyMode(EntropyMode.SUBGROUPS).optGroupBits(1);
            assertEquals(-2 * LN2, entropyPart(groups, z), 1e-5);
        }
    }

    @Test
    void exactAndSubgroupsAgreeOnThePerSampleTermAndWithOneGroupOnTheBatchTerm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = random(manager, 11, 8, 6, 3);
            for (double gamma : new double[] {0, 1}) {
                float exact = entropyPart(LookupFreeQuantizer.builder().setCodeDimension(6).optTemperature(0.5)
                        .optDiversityWeight(gamma).optEntropyMode(EntropyMode.EXACT), z);
                float oneGroup = entropyPart(LookupFreeQuantizer.builder().setCodeDimension(6).optTemperature(0.5)
                        .optDiversityWeight(gamma).optEntropyMode(EntropyMode.SUBGROUPS).optGroupBits(6), z);
                assertEquals(exact, oneGroup, 0f);
            }
        }
    }

    @Test
    void groupsIndependentByConstructionGiveTheExactBatchEntropy() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] first = random(manager, 3, 3, 2).toFloatArray(); // 3 values of bits 0-1
            float[] second = random(manager, 4, 3, 2).toFloatArray(); // 3 values of bits 2-3
            float[] grid = new float[9 * 4]; // every pair: the batch mean is the product of the marginals
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    float[] row = {first[2 * j], first[2 * j + 1], second[2 * k], second[2 * k + 1]};
                    System.arraycopy(row, 0, grid, (3 * j + k) * 4, 4);
                }
            }
            NDArray rows = manager.create(grid, new Shape(9, 4)); // (N, d) bit logits
            float exact = LfqEntropy.batch(rows, 4, LfqEntropy.CHUNK_ELEMENTS).getFloat();
            assertEquals(exact, LfqEntropy.batch(rows, 2, LfqEntropy.CHUNK_ELEMENTS).getFloat(), 1e-5f);
        }
    }

    @Test
    void subgroupBatchEntropyIsAtLeastTheExactOneForEightBits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = random(manager, 5, 64, 8).mul(2); // (N, d) bit logits
            float exact = LfqEntropy.batch(rows, 8, LfqEntropy.CHUNK_ELEMENTS).getFloat();
            float groups = LfqEntropy.batch(rows, 4, LfqEntropy.CHUNK_ELEMENTS).getFloat();
            float bits = LfqEntropy.batch(rows, 1, LfqEntropy.CHUNK_ELEMENTS).getFloat();
            assertTrue(exact <= groups + 1e-5 && groups <= bits + 1e-5, exact + " <= " + groups + " <= " + bits);
            assertTrue(exact > 0 && exact <= 8 * LN2 + 1e-5, "exact " + exact);
        }
    }

    @Test
    void exactInChunksOfThreeCodesEqualsExactInOneChunk() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = random(manager, 9, 50, 7).mul(3); // (50, 7): 128 codes, last chunk of 2
            float oneChunk = ExactBatchEntropy.of(rows, 50 * 128).getFloat();
            float chunked = ExactBatchEntropy.of(rows, 50 * 3).getFloat();
            assertEquals(oneChunk, chunked, 1e-5f);
        }
    }

    @Test
    void chunkedGradientEqualsAutogradOfTheDirectFormula() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = random(manager, 13, 20, 4).mul(2); // (N, g) bit logits
            NDArray same = rows.duplicate();
            rows.setRequiresGradient(true);
            same.setRequiresGradient(true);
            float value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray h = ExactBatchEntropy.of(rows, 20 * 3);
                value = h.getFloat();
                collector.backward(h);
            }
            float[] chunked = rows.getGradient().toFloatArray();
            NDArray bits = LfqEntropy.codeBits(manager, 0, 16, 4); // (16, 4)
            float direct;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logP = same.matMul(bits.transpose()).sub(Activation.softPlus(same).sum(new int[] {1}, true));
                NDArray mean = logP.exp().mean(new int[] {0}); // (16)
                NDArray h = mean.mul(mean.log()).sum().neg();
                direct = h.getFloat();
                collector.backward(h);
            }
            assertEquals(direct, value, 1e-5f);
            assertArrayEquals(same.getGradient().toFloatArray(), chunked, 1e-5f);
        }
    }

    @Test
    void eighteenBitsWith16384TokensUseTwoNineBitGroupsAndGiveAFiniteLossAndGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LookupFreeQuantizer quantizer = LookupFreeQuantizer.builder().setCodebookSize(1 << 18)
                    .optCommitmentWeight(0).build(); // so the gradient comes from the entropy alone
            assertEquals(EntropyMode.SUBGROUPS, quantizer.entropyMode());
            assertEquals(9, quantizer.groupBits());
            NDArray z = random(manager, 1, 16, 18, 32, 32); // 16 x 32 x 32 = 16384 tokens
            z.setRequiresGradient(true);
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = quantizer.quantize(z, true).loss();
                loss = total.getFloat();
                collector.backward(total);
            }
            assertTrue(Float.isFinite(loss), "loss " + loss);
            NDArray gradient = z.getGradient();
            assertTrue(!gradient.isNaN().logicalOr(gradient.isInfinite()).any().getBoolean());
            assertTrue(gradient.abs().sum().getFloat() > 0);
        }
    }
}
