package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaskScheduleTest {

    @Test
    void valuesByHand() {
        assertEquals(Math.sqrt(0.5), MaskSchedule.COSINE.gamma(0.5, 256), 1e-12);
        assertEquals(0.75, MaskSchedule.LINEAR.gamma(0.25, 256), 1e-12);
        assertEquals(0.75, MaskSchedule.SQUARE.gamma(0.5, 256), 1e-12);
        assertEquals(0.5, MaskSchedule.SQUARE_ROOT.gamma(0.25, 256), 1e-12);
        assertEquals(0.25, MaskSchedule.LOG.gamma(0.25, 256), 1e-12);           // -log2(1/4) / log2(256) = 2 / 8
        assertEquals(1 - Math.pow(2, -4), MaskSchedule.EXP.gamma(0.5, 256), 1e-12); // 1 - 2^(-8 * 0.5)
    }

    @Test
    void everyScheduleStartsAtOneFallsAndIsClipped() {
        for (MaskSchedule s : MaskSchedule.values()) {
            assertEquals(s == MaskSchedule.EXP ? 1 - 1 / 64.0 : 1.0, s.gamma(0, 64), 1e-12, s.name()); // EXP: 1 - 2^-log2(N)
            assertEquals(MaskSchedule.MIN_RATIO, s.gamma(1, 64), 1e-12, s.name());
            double previous = 2;
            for (int i = 0; i <= 100; i++) {
                double g = s.gamma(i / 100.0, 64);
                assertTrue(g <= previous + 1e-12 && g >= MaskSchedule.MIN_RATIO && g <= 1, s + " at " + i);
                previous = g;
            }
        }
    }

    @Test
    void trainingMasksTheCeilingAndAtLeastOne() {
        assertEquals(182, MaskSchedule.COSINE.trainingMaskCount(0.5, 256));     // ceil(181.02)
        assertEquals(128, MaskSchedule.LINEAR.trainingMaskCount(0.5, 256));     // exactly 128
        assertEquals(256, MaskSchedule.LINEAR.trainingMaskCount(0.0, 256));
        assertEquals(1, MaskSchedule.LINEAR.trainingMaskCount(0.999999, 256));
    }

    @Test
    void decodingFixesEveryTokenInTheGivenSteps() {
        for (MaskSchedule s : MaskSchedule.values()) {
            for (int steps : new int[] {1, 2, 12, 300}) {
                int n0 = 256;
                int unknown = n0;
                for (int step = 0; step < steps; step++) {
                    int keep = s.decodingMaskCount(step, steps, n0, unknown);
                    assertTrue(keep < unknown || unknown == 0, s + " step " + step + " keeps " + keep + " of " + unknown);
                    unknown = keep;
                }
                assertEquals(0, unknown, s + " with " + steps + " steps");
            }
        }
        assertEquals(253, MaskSchedule.COSINE.decodingMaskCount(0, 12, 256, 256)); // floor(256 cos(pi/24)) = floor(253.8)
    }

    @Test
    void badInputSaysWhatToDo() {
        var e = assertThrows(IllegalArgumentException.class, () -> MaskSchedule.COSINE.gamma(1.5, 10));
        assertTrue(e.getMessage().contains("expects r in [0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaskSchedule.COSINE.gamma(Double.NaN, 10));
        var steps = assertThrows(IllegalArgumentException.class, () -> MaskSchedule.COSINE.decodingMaskCount(0, 0, 4, 4));
        assertTrue(steps.getMessage().contains("at least 1 step"), steps.getMessage());
    }
}
