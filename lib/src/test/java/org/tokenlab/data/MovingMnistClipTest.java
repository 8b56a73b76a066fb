package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovingMnistClipTest {

    @TempDir
    Path dir;

    /** Digit 0: 100 on its left half; digit 1: 200 on its top half; zero elsewhere. */
    private static final TinyDigits HALVES = new TinyDigits(20,
            (i, r, c) -> i == 0 ? (c < 14 ? 100 : 0) : i == 1 ? (r < 14 ? 200 : 0) : 0);

    private static Trajectory still(int top, int left, int frames) {
        return Trajectory.bouncing(top, left, 0, 0, frames, 1000);
    }

    @Test
    void overlappingDigitsTakeThePixelwiseMaximum() {
        MovingMnistClip clip = new MovingMnistClip(new int[] {0, 1}, new int[] {0, 1},
                List.of(still(0, 0, 1), still(5, 5, 1)));
        int[] frame = clip.intensities(HALVES, 40);
        assertEquals(100, frame[2 * 40 + 2]);       // only digit 0 (its left half)
        assertEquals(200, frame[6 * 40 + 10]);      // both: max(100, 200), not a sum clipped at 255
        assertEquals(200, frame[6 * 40 + 20]);      // both: max(0, 200)
        assertEquals(100, frame[25 * 40 + 6]);      // both: max(100, 0)
        assertEquals(0, frame[30 * 40 + 30]);       // digit 1's blank lower half
        assertEquals(0, frame[35 * 40 + 35]);       // background outside both
    }

    @Test
    void theOrderOfTheDigitsDoesNotMatter() {
        MovingMnistClip ab = new MovingMnistClip(new int[] {0, 1}, new int[] {0, 1}, List.of(still(0, 0, 2), still(5, 5, 2)));
        MovingMnistClip ba = new MovingMnistClip(new int[] {1, 0}, new int[] {1, 0}, List.of(still(5, 5, 2), still(0, 0, 2)));
        assertEquals(java.util.Arrays.toString(ab.intensities(HALVES, 40)), java.util.Arrays.toString(ba.intensities(HALVES, 40)));
    }

    @Test
    void firstFrameOfOneDigitAtAKnownPlaceIsTheDigitsPixels() throws IOException {
        Mnist mnist = Mnist.load(SyntheticMnist.write(dir, SyntheticMnist.bytes(SyntheticMnist.COUNT)));
        MovingMnistClip clip = new MovingMnistClip(new int[] {7}, new int[] {mnist.label(7)},
                List.of(Trajectory.bouncing(3, 5, 2, 2, 4, 12)));
        int[] frames = clip.intensities(mnist, 40);
        for (int r = 0; r < 40; r++) {
            for (int c = 0; c < 40; c++) {
                boolean inside = r >= 3 && r < 31 && c >= 5 && c < 33;
                assertEquals(inside ? mnist.pixel(7, r - 3, c - 5) : 0, frames[r * 40 + c], "at (" + r + ", " + c + ")");
            }
        }
        assertEquals(mnist.pixel(7, 0, 0), frames[40 * 40 + 5 * 40 + 7]); // frame 1: moved by (2, 2)
    }

    @Test
    void aDigitOutsideTheFrameIsRefused() {
        MovingMnistClip clip = new MovingMnistClip(new int[] {0}, new int[] {0}, List.of(still(20, 0, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clip.intensities(HALVES, 40));
        assertTrue(e.getMessage().contains("use a frame side of at least 48"), e.getMessage());
    }

    @Test
    void mismatchedPartsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new MovingMnistClip(new int[] {0, 1}, new int[] {0}, List.of(still(0, 0, 1))));
        assertThrows(IllegalArgumentException.class,
                () -> new MovingMnistClip(new int[] {0, 1}, new int[] {0, 1}, List.of(still(0, 0, 1), still(0, 0, 2))));
        assertThrows(IllegalArgumentException.class, () -> new MovingMnistClip(new int[0], new int[0], List.of()));
    }
}
