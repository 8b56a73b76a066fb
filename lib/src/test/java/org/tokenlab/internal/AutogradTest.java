package org.tokenlab.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void recordingOnlyInsideAGradientCollector() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2));
            assertFalse(Autograd.isRecording(x));
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                assertTrue(Autograd.isRecording(x));
            }
            assertFalse(Autograd.isRecording(x));
        }
    }
}
