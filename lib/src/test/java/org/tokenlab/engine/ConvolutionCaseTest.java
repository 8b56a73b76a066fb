package org.tokenlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ConvolutionCaseTest {

    @Test
    void shapesFollowTheConvolutionArithmetic() {
        ConvolutionCase down = ConvolutionCase.image(2, 8, 4, 8, 4, 2, 1);
        assertEquals(4, down.outputSize()); // (8 + 2 - 4) / 2 + 1
        assertEquals(new Shape(2, 8, 8, 8), down.inputShape());
        assertEquals(new Shape(4, 8, 4, 4), down.weightShape());
        assertEquals(new Shape(2, 4, 4, 4), down.outputShape());
        ConvolutionCase clip = ConvolutionCase.clip(2, 8, 4, 5, 3, 1, 1);
        assertEquals(new Shape(2, 4, 5, 5, 5), clip.outputShape());
        assertEquals(new Shape(1, 1, 1), clip.strideShape());
    }

    @Test
    void aKernelLargerThanThePaddedInputIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConvolutionCase.image(1, 1, 1, 2, 5, 1, 1));
        assertTrue(e.getMessage().contains("the padded input (2 + 2 * 1) must be at least the kernel 5"), e.getMessage());
    }
}
