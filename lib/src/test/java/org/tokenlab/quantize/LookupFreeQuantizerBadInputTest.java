package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;

/** Builder checks and bad input, each failing at once with a message that says how to fix it. */
class LookupFreeQuantizerBadInputTest {

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void codebookSizeThatIsNotAPowerOfTwoNamesTheNearestPowers() {
        assertEquals("LookupFreeQuantizer codebook size must be a power of two 2^d from 2 to 2^62, got 1000; "
                + "the nearest are 512 (d = 9) and 1024 (d = 10)",
                message(() -> LookupFreeQuantizer.builder().setCodebookSize(1000).build()));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodebookSize(1).build())
                .endsWith("got 1; the smallest is 2 (d = 1)"));
    }

    @Test
    void codebookSizeAndDimensionAreRequiredAndMustAgree() {
        assertTrue(message(() -> LookupFreeQuantizer.builder().build()).contains("setCodebookSize(2^d)"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodebookSize(1024).setCodeDimension(9).build())
                .contains("codebook size 1024 is 2^10 but code dimension is 9"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(63).build())
                .contains("from 1 to 62, got 63"));
    }

    @Test
    void temperatureMustBePositiveAndFinite() {
        for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optTemperature(t).build())
                    .startsWith("LookupFreeQuantizer temperature must be positive and finite, got " + t));
        }
    }

    @Test
    void weightsMustBeFiniteAndNotNegative() {
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optCommitmentWeight(-1).build())
                .contains("commitment weight must be finite and at least 0, got -1.0"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optDiversityWeight(Double.NaN)
                .build()).contains("diversity weight"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optEntropyWeight(0.1)
                .optEntropyAnnealing(EntropyAnnealing.linear(0.1, 0, 10)).build()).contains("not both"));
    }

    @Test
    void exactModeBeyondTheLimitAndBadGroupBitsAreRejected() {
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(18).optEntropyMode(EntropyMode.EXACT)
                .build()).contains("enumerates 2^18 codes but exact limit bits is 12"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(18).optGroupBits(13).build())
                .contains("group bits must be from 1 to 12"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optEntropyMode(EntropyMode.EXACT)
                .optGroupBits(2).build()).contains("not EXACT"));
        assertTrue(message(() -> LookupFreeQuantizer.builder().setCodeDimension(4).optExactLimitBits(0).build())
                .contains("exact limit bits must be from 1 to 24, got 0"));
    }

    @Test
    void channelLastFeaturesNameTheShapeAndTheExpectedAxis() {
        LookupFreeQuantizer lfq = LookupFreeQuantizer.builder().setCodebookSize(1 << 18).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray wrong = manager.zeros(new Shape(2, 32, 32, 16));
            assertEquals("LookupFreeQuantizer expects code dimension 18 on axis 1 (log2 of codebook size 262144), "
                    + "got shape (2, 32, 32, 16); features are channel-first (B, D, H, W)",
                    message(() -> lfq.quantize(wrong)));
            NDArray channelLast = manager.zeros(new Shape(2, 4, 4, 18));
            assertTrue(message(() -> lfq.quantize(channelLast)).endsWith("so move the last axis to axis 1"));
            assertTrue(message(() -> lfq.quantize(manager.zeros(new Shape(18)))).contains("got shape (18,)"));
        }
    }

    @Test
    void nanFeaturesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new float[] {0.1f, Float.NaN}, new Shape(1, 2));
            LookupFreeQuantizer lfq = LookupFreeQuantizer.builder().setCodeDimension(2).build();
            assertTrue(message(() -> lfq.quantize(z)).contains("NaN or infinite features"));
        }
    }

    @Test
    void idsOutsideTheCodebookAreRejected() {
        LookupFreeQuantizer lfq = LookupFreeQuantizer.builder().setCodeDimension(4).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals("LookupFreeQuantizer expects ids in [0, 16), got ids from 3 to 16",
                    message(() -> lfq.indicesToCodes(manager.create(new long[] {3, 16}))));
            assertTrue(message(() -> lfq.indicesToCodes(manager.create(new long[] {-1}))).contains("from -1"));
        }
    }
}
