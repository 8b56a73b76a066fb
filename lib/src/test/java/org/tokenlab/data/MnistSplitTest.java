package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSplitTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandDigitsSplitIntoNineThousandTrainAndOneThousandTest() {
        assertEquals(9000, Split.TRAIN.indices(10_000, Split.SEED).length);
        assertEquals(1000, Split.TEST.indices(10_000, Split.SEED).length);
    }

    @Test
    void twentyDigitsSplitIntoEighteenTrainAndTwoTest() {
        assertEquals(18, Split.TRAIN.indices(20, Split.SEED).length);
        assertEquals(2, Split.TEST.indices(20, Split.SEED).length);
    }

    @Test
    void trainAndTestDoNotOverlapAndTogetherHoldEveryIndexOnce() {
        int[] both = IntStream.concat(Arrays.stream(Split.TRAIN.indices(10_000, Split.SEED)),
                Arrays.stream(Split.TEST.indices(10_000, Split.SEED))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 10_000).toArray(), both);
    }

    @Test
    void sameSeedGivesTheSameSplit() {
        assertArrayEquals(Split.TEST.indices(10_000, 42), Split.TEST.indices(10_000, 42));
    }

    @Test
    void anotherSeedGivesAnotherSplit() {
        assertFalse(Arrays.equals(Split.TEST.indices(10_000, 42), Split.TEST.indices(10_000, 43)));
    }

    @Test
    void splitIsPinnedSoTheRuleCannotDriftUnnoticed() {
        // Fisher-Yates with new Random(42) over 0..19 (= Collections.shuffle); its first two are the test split
        assertArrayEquals(new int[] {15, 16}, Split.TEST.indices(20, 42));
    }

    @Test
    void indicesAreAscending() {
        int[] train = Split.TRAIN.indices(10_000, Split.SEED);
        assertArrayEquals(IntStream.of(train).sorted().toArray(), train);
    }

    @Test
    void mnistTrainAndTestUseTheFixedSeed() throws IOException {
        Mnist mnist = Mnist.load(SyntheticMnist.write(dir, SyntheticMnist.bytes(20)));
        assertArrayEquals(Split.TRAIN.indices(20, Split.SEED), mnist.train());
        assertArrayEquals(Split.TEST.indices(20, Split.SEED), mnist.test());
    }

    @Test
    void negativeCountFails() {
        assertThrows(IllegalArgumentException.class, () -> Split.TRAIN.indices(-1, 42));
    }
}
