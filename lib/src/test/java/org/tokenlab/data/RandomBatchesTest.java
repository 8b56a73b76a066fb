package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RandomBatchesTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void oneEpochVisitsEveryRowOnceAndRowsStayPaired() {
        NDArray values = manager.arange(0f, 10f).reshape(10, 1);   // row i holds i
        NDArray labels = manager.arange(0, 10).mul(100);          // row i holds 100 i
        RandomBatches batches = RandomBatches.of(5, 7, values, labels);
        Set<Long> seen = new HashSet<>();
        for (int b = 0; b < 2; b++) {
            NDList batch = batches.next(manager);
            assertEquals(new Shape(5, 1), batch.get(0).getShape());
            float[] v = batch.get(0).toFloatArray();
            int[] l = batch.get(1).toIntArray();
            for (int i = 0; i < 5; i++) {
                assertEquals((int) v[i] * 100, l[i], "values and labels come from the same rows");
                seen.add((long) v[i]);
            }
        }
        assertEquals(10, seen.size(), "an epoch is a permutation: no row twice, none left out");
        assertEquals(1, batches.epochs());
        batches.next(manager);
        assertEquals(2, batches.epochs());
    }

    @Test
    void incompleteLastBatchIsSkippedAndSeedsRepeat() {
        NDArray values = manager.arange(0f, 7f);
        RandomBatches a = RandomBatches.of(3, 1, values);
        RandomBatches b = RandomBatches.of(3, 1, values);
        assertEquals(2, a.batchesPerEpoch());
        for (int i = 0; i < 6; i++) {
            float[] x = a.next(manager).head().toFloatArray();
            assertEquals(3, x.length);
            assertArrayEquals(x, b.next(manager).head().toFloatArray());
        }
        assertEquals(3, a.epochs(), "6 batches of 3 from 7 rows take 3 epochs of 2 batches");
    }

    @Test
    void batchesBelongToTheGivenManager() {
        NDArray values = manager.arange(0f, 8f);
        RandomBatches batches = RandomBatches.of(4, 0, values);
        NDArray batch;
        try (NDManager scope = manager.newSubManager()) {
            batch = batches.next(scope).head();
            assertEquals(scope, batch.getManager());
        }
        assertTrue(batch.isReleased(), "closing the step's scope frees the batch");
    }

    @Test
    void badInputIsExplained() {
        NDArray four = manager.zeros(new Shape(4, 2));
        NDArray five = manager.zeros(new Shape(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomBatches.of(2, 0, four, five));
        assertTrue(e.getMessage().contains("(4, 2)") && e.getMessage().contains("(5,)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomBatches.of(5, 0, four));
        assertTrue(e.getMessage().contains("[1, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomBatches.of(1, 0));
        assertTrue(e.getMessage().contains("at least one array"), e.getMessage());
    }
}
