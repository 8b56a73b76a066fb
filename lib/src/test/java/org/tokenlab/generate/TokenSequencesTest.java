package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenSequencesTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void rasterOrderReadsRowByRowAndFoldsBack() {
        NDArray grid = manager.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(1, 2, 3)); // rows [1 2 3], [4 5 6]
        NDArray seq = TokenSequences.flatten(grid);
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, seq.toLongArray());
        assertEquals(new Shape(1, 6), seq.getShape());
        assertEquals(grid, TokenSequences.toGrids(seq, 2, 3));
    }

    @Test
    void prefixComesFirstAsInt64() {
        NDArray prefix = manager.create(new int[] {10, 11}, new Shape(2, 1));
        NDArray tokens = manager.create(new long[] {1, 2, 3, 4}, new Shape(2, 2));
        NDArray seq = TokenSequences.withPrefix(prefix, tokens);
        assertEquals(DataType.INT64, seq.getDataType());
        assertArrayEquals(new long[] {10, 1, 2, 11, 3, 4}, seq.toLongArray());
    }

    @Test
    void badShapesAreExplained() {
        NDArray tokens = manager.zeros(new Shape(2, 65), DataType.INT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenSequences.toGrids(tokens, 8, 8));
        assertTrue(e.getMessage().contains("8x8 grid needs 64") && e.getMessage().contains("drop the prefix"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokenSequences.withPrefix(manager.zeros(new Shape(3, 1), DataType.INT64), tokens));
        assertTrue(e.getMessage().contains("same batch size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenSequences.flatten(manager.zeros(new Shape(2, 4, 4))));
        assertTrue(e.getMessage().contains("integer token ids"), e.getMessage());
    }
}
