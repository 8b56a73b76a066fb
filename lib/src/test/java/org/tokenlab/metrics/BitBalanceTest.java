package org.tokenlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class BitBalanceTest {

    @Test
    void fractionOfOnesPerBitLowestFirst() {
        try (NDManager m = NDManager.newBaseManager()) {
            // ids 1 (01), 3 (11), 2 (10), 0 (00) and 1: bit 0 set in 1, 3, 1; bit 1 set in 3, 2
            BitBalance b = BitBalance.of(m.create(new long[] {1, 3, 2, 0, 1}), 2);
            assertArrayEquals(new double[] {0.6, 0.4}, b.onesFraction(), 1e-12);
            assertEquals(0.1, b.worstImbalance(), 1e-12);
            assertEquals(2, b.table().rowCount());
        }
    }

    @Test
    void aStuckBitIsHalfImbalanced() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(0.5, BitBalance.of(m.create(new long[] {3, 3}), 2).worstImbalance(), 1e-12);
        }
    }

    @Test
    void idsWithTooManyBitsAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> BitBalance.of(m.create(new long[] {4}), 2));
        }
    }
}
