package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tokenlab.quantize.LookupFreeQuantizer;

class TokenFactorizationTest {

    private static final long CODES_18 = 1L << 18;

    /** 1000 random 18-bit ids with the edges 0, 1, 2^18 - 2 and 2^18 - 1 in front. */
    private static long[] ids18(long seed) {
        Random random = new Random(seed);
        long[] ids = new long[1004];
        ids[0] = 0;
        ids[1] = 1;
        ids[2] = CODES_18 - 2;
        ids[3] = CODES_18 - 1;
        for (int i = 4; i < ids.length; i++) {
            ids[i] = random.nextInt((int) CODES_18);
        }
        return ids;
    }

    @Test
    void splitThenJoinGivesBackEvery18BitIdForEvenAndUnevenParts() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (TokenFactorization f : new TokenFactorization[] {TokenFactorization.of(9, 9), TokenFactorization.of(6, 12),
                    TokenFactorization.of(5, 6, 7)}) {
                long[] values = ids18(f.parts());
                NDArray ids = m.create(values, new Shape(2, 502));
                NDArray parts = f.split(ids);
                assertEquals(new Shape(2, 502, f.parts()), parts.getShape());
                assertArrayEquals(values, f.join(parts).toLongArray(), f.toString());
                for (int j = 0; j < f.parts(); j++) {
                    long max = parts.get("..., " + j).max().getLong();
                    assertTrue(max < f.partSize(j), "part " + j + " of " + f + " reached " + max);
                }
            }
        }
    }

    @Test
    void edgeIdsSplitIntoAllZeroAndAllOnesParts() {
        TokenFactorization f = TokenFactorization.of(6, 12);
        assertArrayEquals(new long[] {0, 0}, f.split(0));
        assertArrayEquals(new long[] {63, 4095}, f.split(CODES_18 - 1));
        assertEquals(CODES_18 - 1, f.join(63, 4095));
        assertEquals(0, f.join(0, 0));
    }

    @Test
    void fourBitsAsTwoPlusTwoPutTheLowBitsInPartZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(2, 2);
            // 13 = 0b11_01: low bits 01 -> part 0 = 1, high bits 11 -> part 1 = 3; 2 = 0b00_10; 4 = 0b01_00
            NDArray parts = f.split(m.create(new long[] {13, 2, 4, 15}));
            assertArrayEquals(new long[] {1, 3, 2, 0, 0, 1, 3, 3}, parts.toLongArray());
            assertArrayEquals(new long[] {13}, f.join(m.create(new long[] {1, 3}, new Shape(1, 2))).toLongArray());
            assertArrayEquals(new long[] {1, 6}, TokenFactorization.of(1, 3).split(13)); // 13 = 0b110_1
            assertEquals(2, f.bitOffset(1));
            assertEquals(4, f.logitsOffset(1));
            assertEquals(8, f.logitsWidth());
            assertEquals(16, f.codebookSize());
        }
    }

    @Test
    void int32IdsOfAnyShapeSplitToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new int[] {0, 5, 10, 15, 3, 12}, new Shape(1, 2, 3));
            NDArray parts = TokenFactorization.of(2, 2).split(ids);
            assertEquals(new Shape(1, 2, 3, 2), parts.getShape());
            assertArrayEquals(new long[] {0, 5, 10, 15, 3, 12}, TokenFactorization.of(2, 2).join(parts).toLongArray());
        }
    }

    @Test
    void eachPartIsTheLfqIndexOfItsChannelGroupQuantizedAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            TokenFactorization f = TokenFactorization.of(2, 4);
            NDArray latent = m.randomNormal(new Shape(2, 6, 3, 3)); // (B, d, h, w)
            NDArray indices = LookupFreeQuantizer.builder().setCodeDimension(6).build().quantize(latent, false).indices(); // (2, 3, 3)
            NDArray parts = f.split(indices);                                                          // (2, 3, 3, 2)
            NDArray low = LookupFreeQuantizer.builder().setCodeDimension(2).build()
                    .quantize(latent.get(":, 0:2"), false).indices();
            NDArray high = LookupFreeQuantizer.builder().setCodeDimension(4).build()
                    .quantize(latent.get(":, 2:6"), false).indices();
            assertArrayEquals(low.toLongArray(), parts.get("..., 0").toLongArray());
            assertArrayEquals(high.toLongArray(), parts.get("..., 1").toLongArray());
        }
    }

    @Test
    void thePaperExampleSplitsIntoOneBitPerChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(new float[] {-0.3f, 0.1f}, new Shape(1, 2)); // (B, d)
            NDArray index = LookupFreeQuantizer.builder().setCodeDimension(2).build().quantize(z, false).indices();
            assertArrayEquals(new long[] {2}, index.toLongArray());
            assertArrayEquals(new long[] {0, 1}, TokenFactorization.of(1, 1).split(index).toLongArray()); // channel 0 off, channel 1 on
        }
    }

    @Test
    void partLogitsCutTheSideBySideLogitsAtEachPartsColumns() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(1, 2);
            NDArray logits = m.arange(0f, 12f).reshape(2, 6); // (L, 2 + 4)
            List<NDArray> parts = f.partLogits(logits);
            assertEquals(new Shape(2, 2), parts.get(0).getShape());
            assertEquals(new Shape(2, 4), parts.get(1).getShape());
            assertArrayEquals(new float[] {0, 1, 6, 7}, parts.get(0).toFloatArray());
            assertArrayEquals(new float[] {2, 3, 4, 5, 8, 9, 10, 11}, parts.get(1).toFloatArray());
        }
    }

    @Test
    void idsOutsideTheCodebookFailWithTheRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(9, 9);
            IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                    () -> f.split(m.create(new long[] {5, CODES_18})));
            assertTrue(high.getMessage().contains("[0, 262144)") && high.getMessage().contains("262144 at flat index 1"), high.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.split(m.create(new long[] {-1})));
            assertThrows(IllegalArgumentException.class, () -> f.split(CODES_18));
            assertThrows(IllegalArgumentException.class, () -> f.split(m.create(new float[] {1f})));
            IllegalArgumentException part = assertThrows(IllegalArgumentException.class, () -> f.join(512, 0));
            assertTrue(part.getMessage().contains("[0, 512)"), part.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.join(m.create(new long[] {1, 2, 3}, new Shape(1, 3))));
            assertThrows(IllegalArgumentException.class, () -> f.partLogits(m.zeros(new Shape(2, 512))));
        }
    }

    @Test
    void partsMustAddUpToTheCodeBitsAndStayWithinSixteenBits() {
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
                () -> TokenFactorization.forCodebook(CODES_18, 9, 8));
        assertTrue(sum.getMessage().contains("add up to 17 bits") && sum.getMessage().contains("d = 18"), sum.getMessage());
        assertEquals(TokenFactorization.of(6, 12), TokenFactorization.forCodebook(CODES_18, 6, 12));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class, () -> TokenFactorization.of(2, 17));
        assertTrue(wide.getMessage().contains("part 1 has 17 bits") && wide.getMessage().contains("1 to 16"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenFactorization.of(0, 4));
        assertThrows(IllegalArgumentException.class, () -> TokenFactorization.of());
        assertThrows(IllegalArgumentException.class, () -> TokenFactorization.forCodebook(1000, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> TokenFactorization.of(16, 16, 16, 16));
    }
}
