package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorQuantizerTrainingTest {

    /** Codes (0, 0) and (10, 10); rows (1, 0) and (0, 1) both take code 0. */
    private static float[] emaStep(NDManager manager, double epsilon) {
        VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2).optEma(0.5)
                .optEmaEpsilon(epsilon).optSeed(1).build().initialize(manager);
        vq.setCodebook(manager.create(new float[] {0, 0, 10, 10}, new Shape(2, 2)));
        QuantizerOutput out = vq.quantize(manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)), true);
        assertArrayEquals(new float[] {0, 0, 0, 0}, out.quantized().toFloatArray()); // the step reads the old codes
        return vq.codebook().toFloatArray();
    }

    /** (n_k + eps) / (n + K eps) * n with n = 2 after the step. */
    private static double smoothed(double count, double epsilon) {
        return (count + epsilon) / (2 + 2 * epsilon) * 2;
    }

    @Test
    void emaStepMovesTheUsedCodeTowardTheMeanOfItsRowsAndKeepsTheUnusedOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // counts n = 0.5 * (1, 1) + 0.5 * (2, 0) = (1.5, 0.5); sums m0 = 0.5 * (0,0) + 0.5 * (1,1),
            // m1 = 0.5 * (10, 10); code 0 goes from (0, 0) toward the rows' mean (0.5, 0.5)
            double eps = 1e-5;
            float[] codes = emaStep(manager, eps);
            float e0 = (float) (0.5 / smoothed(1.5, eps)); // ~ 1/3
            float e1 = (float) (5 / smoothed(0.5, eps)); // ~ 10 (1 - 1e-5)
            assertArrayEquals(new float[] {e0, e0, e1, e1}, codes, 1e-5f);
            assertEquals(1 / 3f, codes[0], 1e-4);
            assertEquals(10f, codes[2], 1e-3);
        }
    }

    @Test
    void emaLaplaceSmoothingIsVisibleWithALargeEpsilon() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // eps = 0.1: smoothed counts (1.6, 0.6) / 2.2 * 2; codes 0.5 / 1.4545 = 0.34375, 5 / 0.5454 = 9.1667
            float[] codes = emaStep(manager, 0.1);
            assertArrayEquals(new float[] {0.34375f, 0.34375f, 9.166667f, 9.166667f}, codes, 1e-5f);
        }
    }

    @Test
    void aNeverUsedCodeIsReplacedByABatchRowWhenTheWindowClosesAndUsedCodesStay() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(3).setCodeDimension(2)
                    .optDeadCodeThreshold(1).optDeadCodeWindow(2).optSeed(4).build().initialize(manager);
            float[] start = {0, 0, 5, 5, 100, 100};
            vq.setCodebook(manager.create(start, new Shape(3, 2)));
            float[] rows = {0.1f, 0, 5, 5.1f, 0, 0.2f, 4.9f, 5};
            NDArray z = manager.create(rows, new Shape(4, 2));
            vq.quantize(z, true);
            assertArrayEquals(start, vq.codebook().toFloatArray()); // window still open
            vq.quantize(z, true);
            float[] codes = vq.codebook().toFloatArray();
            assertArrayEquals(Arrays.copyOf(start, 4), Arrays.copyOf(codes, 4));
            boolean isBatchRow = false;
            for (int r = 0; r < 4; r++) {
                isBatchRow |= codes[4] == rows[2 * r] && codes[5] == rows[2 * r + 1];
            }
            assertTrue(isBatchRow, "code 2 became " + codes[4] + ", " + codes[5]);
        }
    }

    @Test
    void kMeansInitPutsTwoCodesOnTheMeansOfTwoSeparatedClusters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(11);
            float[] rows = new float[200];
            double[] sum = new double[4];
            for (int i = 0; i < 100; i++) {
                int cluster = i % 2;
                for (int d = 0; d < 2; d++) {
                    rows[2 * i + d] = (cluster == 0 ? 5 : -5) + (float) random.nextGaussian() * 0.1f;
                    sum[2 * cluster + d] += rows[2 * i + d];
                }
            }
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2)
                    .optKMeansInit(10).optSeed(3).build().initialize(manager);
            vq.quantize(manager.create(rows, new Shape(100, 2)), true);
            float[] codes = vq.codebook().toFloatArray();
            int first = codes[0] > 0 ? 0 : 1; // the code at the (5, 5) cluster
            assertEquals(sum[0] / 50, codes[2 * first], 1e-4);
            assertEquals(sum[1] / 50, codes[2 * first + 1], 1e-4);
            assertEquals(sum[2] / 50, codes[2 * (1 - first)], 1e-4);
            assertEquals(sum[3] / 50, codes[2 * (1 - first) + 1], 1e-4);
        }
    }

    private static VectorQuantizer everyOption(NDManager manager, long seed) {
        return VectorQuantizer.builder().setCodebookSize(32).setCodeDimension(4).optEma(0.9).optKMeansInit(3)
                .optDeadCodeThreshold(1).optEntropyWeight(0.1).optSeed(seed).build().initialize(manager);
    }

    @Test
    void everyOptionTrainsUnderAGradientCollectorWithGradientsForTheEncoder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean ema : new boolean[] {false, true}) {
                VectorQuantizer.Builder builder = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4)
                        .optCosine(true).optKMeansInit(2).optDeadCodeThreshold(1).optEntropyWeight(0.1).optSeed(2);
                VectorQuantizer vq = (ema ? builder.optEma(0.9) : builder).build().initialize(manager);
                NDArray x = manager.randomNormal(new Shape(2, 4, 5, 5));
                x.setRequiresGradient(true);
                for (int step = 0; step < 2; step++) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        QuantizerOutput out = vq.quantize(x.mul(2f), true); // in-place updates after the pass
                        collector.backward(out.loss().add(out.quantized().sum()));
                    }
                }
                assertTrue(x.getGradient().abs().sum().getFloat() > 0);
                assertEquals(ema, !vq.codebook().hasGradient());
            }
        }
    }

    @Test
    void trainingStepsLeaveNoTemporariesOnTheBlockOrTheFeaturesManager() {
        try (NDManager blockManager = NDManager.newBaseManager(); NDManager data = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).optCosine(true)
                    .optEma(0.9).optKMeansInit(2).optDeadCodeThreshold(1).optEntropyWeight(0.1).optSeed(2).build()
                    .initialize(blockManager);
            int blockArrays = blockManager.getManagedArrays().size();
            assertEquals(vq.getParameters().size(), blockArrays); // the codebook and its EMA statistics
            NDArray z = data.randomNormal(new Shape(2, 4, 5, 5));
            int dataArrays = data.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                QuantizerOutput out = vq.quantize(z, true);
                NDArray codes = vq.indicesToCodes(out.indices());
                assertEquals(dataArrays + 4 + out.lossParts().size(), data.getManagedArrays().size());
                codes.close();
                out.quantized().close();
                out.indices().close();
                out.loss().close();
                out.lossParts().values().forEach(NDArray::close);
            }
            NDArray codes = data.randomNormal(new Shape(16, 4));
            vq.setCodebook(codes);
            codes.close();
            assertEquals(dataArrays, data.getManagedArrays().size());
            assertEquals(blockArrays, blockManager.getManagedArrays().size());
        }
    }

    @Test
    void sameSeedAndDataGiveTheSameIndicesAndCodebookAfterTrainingSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer a = everyOption(manager, 9);
            VectorQuantizer b = everyOption(manager, 9);
            assertFalse(a.codebook().contentEquals(everyOption(manager, 10).codebook()));
            for (int step = 0; step < 3; step++) {
                NDArray z = manager.randomNormal(new Shape(2, 4, 6, 6));
                assertTrue(a.quantize(z, true).indices().contentEquals(b.quantize(z, true).indices()));
            }
            assertTrue(a.codebook().contentEquals(b.codebook()));
        }
    }

    private static VectorQuantizer emaWithKMeans(NDManager manager, long seed) {
        return VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optEma(0.9).optKMeansInit(3)
                .optSeed(seed).build().initialize(manager);
    }

    @Test
    void loadedParametersKeepCodebookAndEmaStateAndSkipTheKMeansStart() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer trained = emaWithKMeans(manager, 5);
            trained.quantize(manager.randomNormal(new Shape(64, 4)), true);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            trained.saveParameters(new DataOutputStream(bytes));
            VectorQuantizer loaded = emaWithKMeans(manager, 6);
            loaded.clear();
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertTrue(trained.codebook().contentEquals(loaded.codebook()));
            NDArray z = manager.randomNormal(new Shape(64, 4));
            trained.quantize(z, true);
            loaded.quantize(z, true); // an EMA step on the loaded statistics, not a new k-means start
            assertTrue(trained.codebook().allClose(loaded.codebook(), 1e-6, 1e-6, false));
        }
    }
}
