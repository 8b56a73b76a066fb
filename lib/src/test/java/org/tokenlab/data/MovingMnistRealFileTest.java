package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Moving MNIST from the real prepared file, when this machine has one (./tokenlab setup); skipped otherwise. */
class MovingMnistRealFileTest {

    @Test
    void paperSizedClipsOfHeldOutDigits() {
        Assumptions.assumeTrue(Files.isRegularFile(Mnist.defaultFile()), "no prepared file at " + Mnist.defaultFile());
        Mnist mnist = Mnist.load();
        MovingMnist moving = MovingMnist.builder().setDigits(mnist).setDigitsPerClip(2).build();
        Set<Integer> test = Arrays.stream(mnist.test()).boxed().collect(Collectors.toSet());
        for (int i = 0; i < moving.clipCount(Split.TEST); i++) {
            for (int digit : moving.clip(Split.TEST, i).digits()) {
                assertTrue(test.contains(digit), "test clip " + i + " holds training digit " + digit);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray videos = moving.videos(manager, Split.TEST, 0, 2);
            assertEquals(new Shape(2, 1, 20, 64, 64), videos.getShape());
            assertEquals(-1f, videos.min().getFloat());
            assertEquals(1f, videos.max().getFloat()); // MNIST strokes reach 255
        }
    }
}
