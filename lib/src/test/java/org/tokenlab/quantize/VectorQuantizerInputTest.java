package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class VectorQuantizerInputTest {

    private static VectorQuantizer small(NDManager manager) {
        return VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optSeed(1).build()
                .initialize(manager);
    }

    private static String failure(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    @Test
    void aVectorWithoutBatchAxisIsRejectedWithItsShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray z = manager.zeros(new Shape(8));
            String message = failure(() -> vq.quantize(z));
            assertTrue(message.contains("VectorQuantizer") && message.contains("got shape (8,)"), message);
        }
    }

    @Test
    void aWrongCodeDimensionIsRejectedWithTheGivenShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray z = manager.zeros(new Shape(2, 5, 4, 4));
            String message = failure(() -> vq.quantize(z, true));
            assertTrue(message.contains("code dimension 8") && message.contains("(2, 5, 4, 4)"), message);
        }
    }

    @Test
    void nanFeaturesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray z = manager.zeros(new Shape(3, 8));
            z.set(new ai.djl.ndarray.index.NDIndex("1, 2"), Float.NaN);
            assertTrue(failure(() -> vq.quantize(z)).contains("NaN"));
        }
    }

    @Test
    void infiniteFeaturesAreRejectedButHugeFiniteOnesWhoseSumOverflowsAreNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray huge = manager.full(new Shape(2, 8), 3e38f); // the sum overflows; every value is finite
            assertEquals(new Shape(2), vq.quantize(huge).indices().getShape());
            huge.set(new ai.djl.ndarray.index.NDIndex("0, 0"), Float.POSITIVE_INFINITY);
            assertTrue(failure(() -> vq.quantize(huge)).contains("infinite"));
        }
    }

    @Test
    void idsOutsideTheCodebookAreRejectedWithTheirRange() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray ids = manager.create(new long[] {0, 16, 3});
            assertEquals("VectorQuantizer expects ids in [0, 16), got ids from 0 to 16",
                    failure(() -> vq.indicesToCodes(ids)));
        }
    }

    @Test
    void aCodebookOfWrongShapeIsRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = small(manager);
            NDArray codes = manager.zeros(new Shape(15, 8));
            assertEquals("VectorQuantizer.setCodebook expects codes (K, D) = (16, 8), got shape (15, 8)",
                    failure(() -> vq.setCodebook(codes)));
        }
    }

    @Test
    void anEmptyCodebookSizeIsRejected() {
        assertEquals("VectorQuantizer needs setCodebookSize(K) with K >= 1, got 0; VQGAN uses 1024 codes",
                failure(() -> VectorQuantizer.builder().setCodebookSize(0).setCodeDimension(8).build()));
    }

    @Test
    void aMissingCodeDimensionIsRejected() {
        String message = failure(() -> VectorQuantizer.builder().setCodebookSize(16).build());
        assertTrue(message.contains("setCodeDimension(D)") && message.contains("got 0"), message);
    }

    @Test
    void aNegativeBetaIsRejected() {
        assertEquals("VectorQuantizer expects optBeta(beta) >= 0, got -0.1; the paper uses 0.25",
                failure(() -> VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optBeta(-0.1).build()));
    }

    @Test
    void anEmaDecayOfOneIsRejected() {
        assertTrue(failure(() -> VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optEma(1).build())
                .contains("0 < decay < 1, got 1.0"));
    }

    @Test
    void aRefiningOptionWithoutItsBaseIsRejectedRatherThanIgnored() {
        assertEquals("VectorQuantizer got optEmaEpsilon(0.001) without optEma, so it would do nothing; add "
                + "optEma(0.99) or drop optEmaEpsilon", failure(() -> VectorQuantizer.builder().setCodebookSize(16)
                        .setCodeDimension(8).optEmaEpsilon(1e-3).build()));
    }

    @Test
    void zeroKMeansIterationsAreRejected() {
        assertTrue(failure(() -> VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).optKMeansInit(0)
                .build()).contains("optKMeansInit(iterations) >= 1, got 0"));
    }

    @Test
    void quantizingBeforeInitializeSaysWhatToCall() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(8).build();
            NDArray z = manager.zeros(new Shape(3, 8));
            String message = assertThrows(IllegalStateException.class, () -> vq.quantize(z)).getMessage();
            assertTrue(message.contains("initialize(manager)"), message);
        }
    }
}
