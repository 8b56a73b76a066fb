package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VectorQuantizerTest {

    /** K = 2, D = 2 with codes (0, 0) and (4, 4). */
    private static VectorQuantizer twoCodes(NDManager manager) {
        VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2).optSeed(1).build()
                .initialize(manager);
        vq.setCodebook(manager.create(new float[] {0, 0, 4, 4}, new Shape(2, 2)));
        return vq;
    }

    @Test
    void eachPointTakesItsNearestHandSetCode() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = twoCodes(manager);
            // squared distances to (0,0) and (4,4): (1,0): 1 vs 25; (3,4): 25 vs 1; (2.1,2): 8.41 vs 7.61;
            // (1.9,2): 7.61 vs 8.41
            NDArray z = manager.create(new float[] {1, 0, 3, 4, 2.1f, 2, 1.9f, 2}, new Shape(4, 2));
            QuantizerOutput out = vq.quantize(z);
            assertArrayEquals(new long[] {0, 1, 1, 0}, out.indices().toLongArray());
            assertArrayEquals(new float[] {0, 0, 4, 4, 4, 4, 0, 0}, out.quantized().toFloatArray());
        }
    }

    @Test
    void quantizedEqualsIndicesToCodesOfItsIndicesForAnImageGrid() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(3).build()
                    .initialize(manager);
            NDArray z = manager.randomNormal(new Shape(2, 8, 4, 5)).mul(0.1f);
            QuantizerOutput out = vq.quantize(z);
            assertTrue(out.quantized().contentEquals(vq.indicesToCodes(out.indices())));
            assertEquals(new Shape(2, 8, 4, 5), out.quantized().getShape());
        }
    }

    @Test
    void quantizingTheCodebookItselfGivesEachCodeItsOwnIdAndLeavesTheCodebookUsable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(3).build()
                    .initialize(manager);
            try (NDManager scope = manager.newSubManager()) {
                QuantizerOutput out = vq.quantize(vq.codebook());
                out.indices().attach(scope);
                assertArrayEquals(java.util.stream.LongStream.range(0, 16).toArray(), out.indices().toLongArray());
            }
            assertEquals(new Shape(16, 8), vq.codebook().getShape());
            assertEquals(16 * 8, vq.codebook().toFloatArray().length);
        }
    }

    @Test
    void indicesAreInt64InRangeWithTheGridShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(3).build()
                    .initialize(manager);
            NDArray ids = vq.quantize(manager.randomNormal(new Shape(2, 8, 4, 5)), true).indices();
            assertEquals(DataType.INT64, ids.getDataType());
            assertEquals(new Shape(2, 4, 5), ids.getShape());
            assertTrue(ids.min().getLong() >= 0 && ids.max().getLong() < 16);
        }
    }

    @Test
    void codebookAndCommitmentLossesMatchTheHandValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = twoCodes(manager);
            // z = (1, 2) takes (0, 0): mean((q - z)^2) = (1 + 4) / 2 = 2.5; commitment 0.25 * 2.5
            QuantizerOutput out = vq.quantize(manager.create(new float[] {1, 2}, new Shape(1, 2)));
            assertEquals(2.5f, out.lossParts().get("codebook").getFloat(), 1e-6);
            assertEquals(0.625f, out.lossParts().get("commitment").getFloat(), 1e-6);
            assertEquals(3.125f, out.loss().getFloat(), 1e-6);
            assertEquals(Set.of("codebook", "commitment"), out.lossParts().keySet());
        }
    }

    @Test
    void withGradientsTheCommitmentTermIsStillAQuarterOfTheCodebookTerm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = twoCodes(manager);
            NDArray z = manager.create(new float[] {1, 2, 5, 3}, new Shape(2, 2));
            z.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                QuantizerOutput out = vq.quantize(z, true);
                // rows take (0,0) and (4,4): ((1 + 4) + (1 + 1)) / 4 = 1.75
                float codebook = out.lossParts().get("codebook").getFloat();
                assertEquals(1.75f, codebook, 1e-6);
                assertEquals(0.25f * codebook, out.lossParts().get("commitment").getFloat(), 1e-6);
            }
        }
    }

    @Test
    void gradientOfWeightedQuantizedPassesStraightThroughToTheFeatures() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(4).setCodeDimension(2).optSeed(5).build()
                    .initialize(manager);
            NDArray z = manager.randomNormal(new Shape(1, 2, 3, 3));
            NDArray w = manager.randomNormal(new Shape(1, 2, 3, 3));
            z.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                QuantizerOutput out = vq.quantize(z, true);
                assertTrue(out.quantized().allClose(vq.indicesToCodes(out.indices()), 1e-6, 1e-6, false));
                collector.backward(out.quantized().mul(w).sum());
            }
            assertArrayEquals(w.toFloatArray(), z.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradientReachesTheEncoderThroughComputedFeatures() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(4).setCodeDimension(2).optSeed(5).build()
                    .initialize(manager);
            NDArray x = manager.randomNormal(new Shape(2, 2, 2, 2));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray z = x.mul(3f); // an encoder's output, not a leaf
                collector.backward(vq.quantize(z).quantized().sum()); // evaluation mode still passes gradients
            }
            assertArrayEquals(manager.full(new Shape(2, 2, 2, 2), 3f).toFloatArray(), x.getGradient().toFloatArray());
        }
    }

    @Test
    void codebookGetsTheGradientOfTheCodebookLossOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = twoCodes(manager);
            NDArray z = manager.create(new float[] {1, 2}, new Shape(1, 2));
            z.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(vq.quantize(z, true).loss());
            }
            // d/de0 mean((e0 - z)^2) = 2 (e0 - z) / 2 = (-1, -2); e1 unused. beta stays on the encoder side:
            // d/dz 0.25 mean((z - e0)^2) = 0.25 (z - e0) = (0.25, 0.5)
            assertArrayEquals(new float[] {-1, -2, 0, 0}, vq.codebook().getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.25f, 0.5f}, z.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void withEmaTheCodebookTakesNoGradientAndHasNoCodebookLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2).optEma(0.9)
                    .optSeed(1).build().initialize(manager);
            NDArray z = manager.create(new float[] {1, 2}, new Shape(1, 2));
            z.setRequiresGradient(true);
            QuantizerOutput out;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                out = vq.quantize(z, true);
                collector.backward(out.loss());
            }
            assertFalse(vq.codebook().hasGradient());
            assertEquals(Set.of("commitment"), out.lossParts().keySet());
        }
    }

    @Test
    void cosineModeMapsALongAndAShortVectorOfOneDirectionToOneCode() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray codes = manager.create(new float[] {1, 0, 10, 1}, new Shape(2, 2));
            // (0.5, 0.05) and (10, 1) point like code 1; by distance the short one is nearer code 0
            NDArray z = manager.create(new float[] {0.5f, 0.05f, 10, 1}, new Shape(2, 2));
            VectorQuantizer euclidean = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2).build()
                    .initialize(manager);
            euclidean.setCodebook(codes);
            VectorQuantizer cosine = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(2)
                    .optCosine(true).build().initialize(manager);
            cosine.setCodebook(codes);
            assertArrayEquals(new long[] {0, 1}, euclidean.quantize(z).indices().toLongArray());
            assertArrayEquals(new long[] {1, 1}, cosine.quantize(z).indices().toLongArray());
            float norm = (float) Math.sqrt(101);
            assertArrayEquals(new float[] {10 / norm, 1 / norm, 10 / norm, 1 / norm},
                    cosine.quantize(z).quantized().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void entropyLossMatchesTheHandValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(2).setCodeDimension(1)
                    .optEntropyWeight(2).build().initialize(manager);
            vq.setCodebook(manager.create(new float[] {0, 1}, new Shape(2, 1)));
            // distances (0, 1) and (1, 0): p = (a, b) and (b, a) with a = 1 / (1 + e^-1);
            // mean per-row entropy h(a) minus entropy ln 2 of the mean (1/2, 1/2)
            double a = 1 / (1 + Math.exp(-1));
            double h = -(a * Math.log(a) + (1 - a) * Math.log(1 - a));
            QuantizerOutput out = vq.quantize(manager.create(new float[] {0, 1}, new Shape(2, 1)));
            assertEquals(2 * (h - Math.log(2)), out.lossParts().get("entropy").getFloat(), 1e-5);
        }
    }

    @Test
    void blockForwardGivesQuantizedIndicesAndLossWithTheDeclaredShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(2).build();
            NDArray z = manager.randomNormal(new Shape(2, 4, 3, 3));
            NDList out = vq.forward(new ParameterStore(manager, false), new NDList(z), true);
            Shape[] declared = vq.getOutputShapes(new Shape[] {z.getShape()});
            assertEquals(3, out.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(declared[i], out.get(i).getShape());
            }
        }
    }
}
