package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TensorSummaryTest {

    @Test
    void describeOfArangeSixReshapedGivesShapeTypeDeviceAndStatistics() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.arange(6f).reshape(2, 3);
            assertEquals("NDArray (2, 3) float32 on cpu(): min 0, mean 2.5, max 5",
                    TensorSummary.describe(array));
        }
    }

    @Test
    void nansAreCountedAndLeftOutOfTheStatistics() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new float[] {1f, Float.NaN, 3f});
            assertEquals("NDArray (3,) float32 on cpu(): min 1, mean 2, max 3, 1 NaN",
                    TensorSummary.describe(array));
        }
    }

    @Test
    void allNanArraySaysSo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new float[] {Float.NaN, Float.NaN});
            assertEquals("NDArray (2,) float32 on cpu(): all NaN", TensorSummary.describe(array));
        }
    }

    @Test
    void emptyArraySaysEmpty() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.zeros(new Shape(0, 4));
            assertEquals("NDArray (0, 4) float32 on cpu() (empty)", TensorSummary.describe(array));
        }
    }

    @Test
    void int32ArrayIsDescribedWithItsType() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new int[] {1, 2, 4});
            // mean 7 / 3 = 2.3333... -> "%.4g" -> 2.333
            assertEquals("NDArray (3,) int32 on cpu(): min 1, mean 2.333, max 4", TensorSummary.describe(array));
        }
    }

    @Test
    void namedArrayShowsItsName() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new float[] {-2f, 2f});
            array.setName("codebook");
            assertEquals("NDArray (2,) float32 on cpu() named 'codebook': min -2, mean 0, max 2",
                    TensorSummary.describe(array));
        }
    }

    @Test
    void describeLeavesTheInputOpen() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new int[] {1, 2, 3});
            TensorSummary.describe(array);
            assertFalse(array.isReleased());
        }
    }

    @Test
    void describeLeavesNoTemporariesOnTheInputsManager() {
        // int32 input forces a float64 copy, which must be freed
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(new int[] {1, 2, 3});
            int before = manager.getManagedArrays().size();
            TensorSummary.describe(array);
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void nullArrayIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TensorSummary.describe(null));
    }

    @Test
    void formatWritesWholeNumbersWithoutDecimals() {
        assertEquals("-3", TensorSummary.format(-3.0));
    }

    @Test
    void formatWritesFractionsWithFourSignificantDigits() {
        assertEquals("0.1235", TensorSummary.format(0.123456));
    }

    @Test
    void formatWritesSmallNumbersInScientificNotation() {
        assertEquals("1e-05", TensorSummary.format(1e-5));
    }

    @Test
    void formatWritesHugeWholeNumbersInScientificNotation() {
        assertEquals("1e+20", TensorSummary.format(1e20));
    }
}
