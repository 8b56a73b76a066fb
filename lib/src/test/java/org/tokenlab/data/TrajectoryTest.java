package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrajectoryTest {

    @Test
    void aDigitMovingRightBouncesOffBothBordersByHand() {
        // range 2 (frame side 30), start 0, 1.5 px per frame: 0, 1.5, 3 -> 2 (turns), 0.5, -1 -> 0 (turns), 1.5
        Trajectory path = Trajectory.bouncing(0, 0, 0, 1.5, 6, 2);
        assertArrayEquals(new int[] {0, 1, 2, 0, 0, 1}, path.lefts());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, path.tops());
    }

    @Test
    void aDigitMovingUpTurnsAtTheTopBorder() {
        // range 36, start 5.5 going up 2 px per frame: 5.5, 3.5, 1.5, -0.5 -> 0 (turns), 2, 4
        Trajectory path = Trajectory.bouncing(5.5, 10, -2, 0, 6, 36);
        assertArrayEquals(new int[] {5, 3, 1, 0, 2, 4}, path.tops());
        assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10}, path.lefts());
    }

    @Test
    void positionsStayInRangeAndTurnOnlyAtABorder() {
        int range = 12;
        int turns = 0;
        for (double angle = 0.1; angle < 6.28; angle += 0.37) {
            Trajectory path = Trajectory.bouncing(4.2, 7.9, 3.6 * Math.sin(angle), 3.6 * Math.cos(angle), 40, range);
            for (int[] axis : new int[][] {path.tops(), path.lefts()}) {
                for (int t = 0; t < axis.length; t++) {
                    assertTrue(axis[t] >= 0 && axis[t] <= range, "position " + axis[t] + " outside 0.." + range);
                    if (t > 0 && t + 1 < axis.length && (axis[t] - axis[t - 1]) * (axis[t + 1] - axis[t]) < 0) {
                        assertTrue(axis[t] == 0 || axis[t] == range, "turned at " + axis[t] + ", not at a border");
                        turns++;
                    }
                }
            }
        }
        assertTrue(turns > 50, "too few turns to test anything: " + turns);
    }

    @Test
    void aFrameOfTheDigitsOwnSideKeepsItInTheCorner() {
        assertArrayEquals(new int[] {0, 0, 0}, Trajectory.bouncing(0, 0, 3, -3, 3, 0).lefts());
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                () -> Trajectory.bouncing(40, 0, 1, 1, 5, 36));
        assertTrue(start.getMessage().contains("start in 0..36"), start.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trajectory.bouncing(0, 0, 1, 1, 0, 36));
        assertThrows(IllegalArgumentException.class, () -> new Trajectory(new int[2], new int[3]));
    }
}
