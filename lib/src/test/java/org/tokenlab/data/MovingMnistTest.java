package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MovingMnistTest {

    private static final TinyDigits DIGITS = TinyDigits.twenty();

    private static MovingMnist.Builder small() {
        return MovingMnist.builder().setDigits(DIGITS).setDigitsPerClip(3).optFrames(5).optFrameSide(40)
                .optClips(50, 30);
    }

    @Test
    void videosAreB1THWInMinusOneToOneAndLabelsBDigits() {
        MovingMnist moving = small().build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray videos = moving.videos(manager, Split.TRAIN, 0, 4);
            NDArray labels = moving.labels(manager, Split.TRAIN, 0, 4);
            assertEquals(new Shape(4, 1, 5, 40, 40), videos.getShape());
            assertEquals(DataType.FLOAT32, videos.getDataType());
            assertEquals(new Shape(4, 3), labels.getShape());
            assertEquals(DataType.INT64, labels.getDataType());
            assertEquals(-1f, videos.min().getFloat());   // background
            assertTrue(videos.max().getFloat() <= 1f);
        }
    }

    @Test
    void defaultsAreThePapers() {
        MovingMnist moving = MovingMnist.builder().setDigits(DIGITS).setDigitsPerClip(2).build();
        assertEquals(20, moving.frames());
        assertEquals(64, moving.frameSide());
        assertEquals(10_000, moving.clipCount(Split.TRAIN));
        MovingMnistClip clip = moving.clip(Split.TRAIN, 0);
        assertEquals(2, clip.digits().length);
        assertEquals(20, clip.frames());
    }

    @Test
    void sameSeedGivesIdenticalClipsAndAnotherSeedDifferent() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a = small().optSeed(5).build().videos(manager, Split.TRAIN, 0, 6).toFloatArray();
            float[] b = small().optSeed(5).build().videos(manager, Split.TRAIN, 0, 6).toFloatArray();
            float[] c = small().optSeed(6).build().videos(manager, Split.TRAIN, 0, 6).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
            long[] la = small().optSeed(5).build().labels(manager, Split.TRAIN, 0, 6).toLongArray();
            assertArrayEquals(la, small().optSeed(5).build().labels(manager, Split.TRAIN, 0, 6).toLongArray());
        }
    }

    @Test
    void aClipIsTheSameAloneAsInABatchAndTheSplitsDiffer() {
        MovingMnist moving = small().build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = moving.videos(manager, Split.TRAIN, 0, 5);
            assertArrayEquals(batch.get(3).toFloatArray(), moving.videos(manager, Split.TRAIN, 3, 1).get(0).toFloatArray());
            assertFalse(Arrays.equals(batch.get(0).toFloatArray(), moving.videos(manager, Split.TEST, 0, 1).get(0).toFloatArray()));
        }
        assertArrayEquals(moving.clip(Split.TEST, 7).trajectories().get(1).lefts(),
                small().build().clip(Split.TEST, 7).trajectories().get(1).lefts());
    }

    @Test
    void testClipsHoldOnlyTestDigitsAndTrainClipsOnlyTrainDigits() {
        MovingMnist moving = small().build();
        for (Split split : Split.values()) {
            Set<Integer> allowed = Arrays.stream(DIGITS.indices(split)).boxed().collect(Collectors.toSet());
            for (int i = 0; i < moving.clipCount(split); i++) {
                MovingMnistClip clip = moving.clip(split, i);
                for (int d = 0; d < clip.digits().length; d++) {
                    assertTrue(allowed.contains(clip.digits()[d]), split + " clip " + i + " holds digit " + clip.digits()[d]);
                    assertEquals(DIGITS.label(clip.digits()[d]), clip.labels()[d]);
                }
            }
        }
    }

    @Test
    void labelsArrayListsEachClipsDigitClassesInOrder() {
        MovingMnist moving = small().build();
        try (NDManager manager = NDManager.newBaseManager()) {
            long[] labels = moving.labels(manager, Split.TEST, 2, 3).toLongArray();
            for (int b = 0; b < 3; b++) {
                int[] expected = moving.clip(Split.TEST, 2 + b).labels();
                for (int d = 0; d < 3; d++) {
                    assertEquals(expected[d], labels[b * 3 + d]);
                }
            }
        }
    }

    @Test
    void aFrameOfTheDigitsSideShowsTheDigitItself() {
        MovingMnist moving = small().setDigitsPerClip(1).optFrameSide(28).build();
        MovingMnistClip clip = moving.clip(Split.TRAIN, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] video = moving.videos(manager, Split.TRAIN, 4, 1).toFloatArray();
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    assertEquals(DIGITS.pixel(clip.digits()[0], r, c) / 127.5f - 1f, video[r * 28 + c]);
                }
            }
        }
    }

    @Test
    void speedsAndPositionsFollowTheSettings() {
        MovingMnist fast = small().setDigitsPerClip(1).optFrameSide(64).optSpeed(3, 3).build();
        for (int i = 0; i < 20; i++) {
            int[] tops = fast.clip(Split.TRAIN, i).trajectories().get(0).tops();
            int[] lefts = fast.clip(Split.TRAIN, i).trajectories().get(0).lefts();
            for (int t = 0; t < tops.length; t++) {
                assertTrue(tops[t] >= 0 && tops[t] <= 36 && lefts[t] >= 0 && lefts[t] <= 36);
            }
            // |step| <= speed + 1 (rounding down) on each axis while no border is hit
            assertTrue(Math.abs(tops[1] - tops[0]) <= 4 && Math.abs(lefts[1] - lefts[0]) <= 4);
        }
        MovingMnist still = small().optSpeed(0, 0).build();
        int[] tops = still.clip(Split.TRAIN, 0).trajectories().get(0).tops();
        assertTrue(Arrays.stream(tops).allMatch(t -> t == tops[0]));
    }

    @Test
    void badSettingsSayWhatWasExpectedAndHowToFixIt() {
        refused(() -> MovingMnist.builder().setDigitsPerClip(2).build(), "setDigits(Mnist.load())");
        refused(() -> small().setDigitsPerClip(0).build(), "at least 1 digit per clip, got 0; call setDigitsPerClip(2)");
        refused(() -> small().optFrames(0).build(), "at least 1 frame per clip, got 0");
        refused(() -> small().optFrameSide(27).build(), "frame side of at least 28 (one digit), got 27");
        refused(() -> small().optSpeed(2, 1).build(), "0 <= min <= max");
        refused(() -> small().optSpeed(-1, 1).build(), "got [-1.0, 1.0]");
        refused(() -> small().optClips(0, 5).build(), "at least 1 clip per split");
        refused(() -> MovingMnist.builder().setDigits(new TinyDigits(5, (i, r, c) -> 0)).setDigitsPerClip(1).build(),
                "digits in the TEST split");
    }

    @Test
    void badRequestsAreRefused() {
        MovingMnist moving = small().build();
        refused(() -> moving.clip(Split.TEST, 30), "TEST has clips 0..29, asked for 1 clip(s) from 30");
        refused(() -> moving.clip(Split.TRAIN, -1), "from -1");
        refused(() -> moving.clip(null, 0), "split must not be null");
        try (NDManager manager = NDManager.newBaseManager()) {
            refused(() -> moving.videos(manager, Split.TRAIN, 48, 3), "asked for 3 clip(s) from 48");
            refused(() -> moving.labels(manager, Split.TRAIN, 0, 0), "asked for 0 clip(s)");
        }
    }

    private static void refused(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
