package org.tokenlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class CodebookUsageTest {

    @Test
    void usageEntropyAndPerplexityByHand() {
        // ids 0, 0, 1, 3 of 4 codes: p = (1/2, 1/4, 1/4); H = 1.5 ln 2
        CodebookUsage u = CodebookUsage.of(new long[] {0, 0, 1, 3}, 4);
        assertEquals(3, u.usedCodes());
        assertEquals(0.75, u.usage(), 1e-12);
        assertEquals(1.5 * Math.log(2), u.entropy(), 1e-12);
        assertEquals(Math.pow(2, 1.5), u.perplexity(), 1e-12);
        assertEquals(2, u.count(0));
        assertEquals(0, u.count(2));
    }

    @Test
    void oneCodeHasPerplexityOneAndEvenUseHasPerplexityK() {
        assertEquals(1.0, CodebookUsage.of(new long[] {5, 5, 5}, 8).perplexity(), 1e-12);
        assertEquals(8.0, CodebookUsage.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 8).perplexity(), 1e-9);
    }

    @Test
    void worksFromAnIndexTensorOfAnyShapeAndHugeCodebooks() {
        try (NDManager m = NDManager.newBaseManager()) {
            CodebookUsage u = CodebookUsage.of(m.create(new long[] {262143, 0, 262143, 7}, new Shape(2, 2)), 1L << 18);
            assertEquals(3, u.usedCodes());
            assertEquals(4, u.tokens());
            assertEquals(3.0 / (1 << 18), u.usage(), 1e-15);
        }
    }

    @Test
    void countsTableIsMostUsedFirst() {
        Table t = CodebookUsage.of(new long[] {3, 1, 3, 0, 3, 1}, 4).countsTable(10);
        assertArrayEquals(new Object[] {3L, 1L, 0L}, t.longColumn("code").asObjectArray());
        assertArrayEquals(new int[] {3, 2, 1}, t.intColumn("count").asIntArray());
        assertEquals(0.5, t.doubleColumn("fraction").getDouble(0), 1e-12);
        assertEquals(2, CodebookUsage.of(new long[] {3, 1, 3, 0}, 4).countsTable(2).rowCount());
    }

    @Test
    void idsOutsideTheCodebookAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodebookUsage.of(new long[] {0, 4}, 4));
        assertTrue(e.getMessage().contains("[0, 4)") && e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void noTokensHasZeroEntropy() {
        CodebookUsage u = CodebookUsage.of(new long[0], 4);
        assertEquals(0, u.usage());
        assertEquals(0, u.entropy());
        assertEquals(1, u.perplexity());
    }

    @Test
    void rankTableListsEveryCodeMostUsedFirstWithUnusedCodesLast() {
        CodebookUsage usage = CodebookUsage.of(new long[] {3, 3, 3, 1, 1, 4}, 6);
        Table ranks = usage.rankTable();
        assertEquals(6, ranks.rowCount());
        assertEquals("[1, 2, 3, 4, 5, 6]", ranks.intColumn("rank").asList().toString());
        assertEquals("[3, 1, 4, 0, 2, 5]", ranks.longColumn("code").asList().toString());
        assertEquals("[3, 2, 1, 0, 0, 0]", ranks.intColumn("count").asList().toString());
    }
}
