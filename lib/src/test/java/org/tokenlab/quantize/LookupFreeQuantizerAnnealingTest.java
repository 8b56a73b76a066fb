package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@link EntropyAnnealing} and how the quantizer counts its steps. */
class LookupFreeQuantizerAnnealingTest {

    @Test
    void linearScheduleAtStartMiddleEndAndAfter() {
        EntropyAnnealing schedule = EntropyAnnealing.linear(1.0, 0.2, 100);
        assertEquals(1.0, schedule.weightAt(0), 1e-12);
        assertEquals(0.6, schedule.weightAt(50), 1e-12);
        assertEquals(0.2, schedule.weightAt(100), 1e-12);
        assertEquals(0.2, schedule.weightAt(1_000), 1e-12);
    }

    @Test
    void cosineScheduleAtStartQuarterMiddleAndEnd() {
        EntropyAnnealing schedule = EntropyAnnealing.cosine(1.0, 0.0, 100);
        assertEquals(1.0, schedule.weightAt(0), 1e-12);
        assertEquals((1 + Math.sqrt(0.5)) / 2, schedule.weightAt(25), 1e-12); // 0.8536
        assertEquals(0.5, schedule.weightAt(50), 1e-12);
        assertEquals(0.0, schedule.weightAt(100), 1e-12);
    }

    @Test
    void badSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> EntropyAnnealing.linear(-0.1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> EntropyAnnealing.cosine(0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> EntropyAnnealing.linear(0.1, 0, 10).weightAt(-1));
    }

    @Test
    void onlyTrainingCallsAdvanceTheScheduleAndWeightZeroGivesAZeroPart() {
        LookupFreeQuantizer lfq = LookupFreeQuantizer.builder().setCodeDimension(1).optDiversityWeight(0)
                .optEntropyAnnealing(EntropyAnnealing.linear(0.2, 0.0, 2)).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.zeros(new Shape(4, 1)); // per-sample entropy ln 2
            double ln2 = Math.log(2);
            assertEquals(0.2 * ln2, entropy(lfq.quantize(z, true)), 1e-6); // step 0
            assertEquals(0.1 * ln2, entropy(lfq.quantize(z, false)), 1e-6); // evaluation: step 1, not counted
            assertEquals(1, lfq.trainingStep());
            assertEquals(0.1 * ln2, entropy(lfq.quantize(z, true)), 1e-6); // step 1
            assertEquals(0.0, entropy(lfq.quantize(z, true)), 0.0); // step 2: end weight 0
            assertEquals(3, lfq.trainingStep());
            lfq.setTrainingStep(0);
            assertEquals(0.2, lfq.entropyWeight(), 1e-12);
        }
    }

    private static double entropy(QuantizerOutput out) {
        return out.lossParts().get("entropy").getFloat();
    }
}
