package org.tokenlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The reference the self-check trusts, against values worked out by hand. */
class ReferenceConvolutionTest {

    private static final float[] X = {1, 2, 3, 4};       // (1, 1, 2, 2)
    private static final float[] W = {1, 0, 0, -1};      // (1, 1, 2, 2)

    @Test
    void aTwoByTwoKernelOnATwoByTwoImageWithoutPaddingGivesOneNumberAndBothGradients() {
        ReferenceConvolution conv = new ReferenceConvolution(ConvolutionCase.image(1, 1, 1, 2, 2, 1, 0));
        assertArrayEquals(new double[] {1 * 1 + 4 * -1}, conv.forward(X, W));
        // d(y * g)/dx = g * w, d(y * g)/dw = g * x, with g = 2
        assertArrayEquals(new double[] {2, 0, 0, -2}, conv.inputGradient(new float[] {2}, W));
        assertArrayEquals(new double[] {2, 4, 6, 8}, conv.weightGradient(new float[] {2}, X));
    }

    @Test
    void paddingOneSlidesTheKernelOverZerosAroundTheImage() {
        ReferenceConvolution conv = new ReferenceConvolution(ConvolutionCase.image(1, 1, 1, 2, 2, 1, 1));
        // output (3, 3): y[i][j] = x[i-1][j-1] * 1 + x[i][j] * -1 (outside the image: 0)
        assertArrayEquals(new double[] {-1, -2, 0, -3, 1 - 4, 2, 0, 3, 4}, conv.forward(X, W));
    }

    @Test
    void strideTwoKeepsEveryOtherPosition() {
        ReferenceConvolution conv = new ReferenceConvolution(ConvolutionCase.image(1, 1, 1, 2, 2, 2, 1));
        // the positions (0, 0), (0, 2), (2, 0), (2, 2) of the padding-1 output above
        assertArrayEquals(new double[] {-1, 0, 0, 4}, conv.forward(X, W));
    }

    @Test
    void channelsAreSummedAndEachOutputChannelHasItsOwnKernel() {
        // x: 2 channels of (1, 1); w: 2 output channels x 2 input channels of (1, 1)
        ReferenceConvolution conv = new ReferenceConvolution(ConvolutionCase.image(1, 2, 2, 1, 1, 1, 0));
        float[] x = {3, 5};
        float[] w = {1, 2, -1, 10};
        assertArrayEquals(new double[] {3 + 10, -3 + 50}, conv.forward(x, w));
        assertArrayEquals(new double[] {1 * 1 + 1 * -1, 1 * 2 + 1 * 10}, conv.inputGradient(new float[] {1, 1}, w));
    }

    @Test
    void aOneVoxelKernelScalesEveryValueOfAClipAndAFullKernelSumsIt() {
        ReferenceConvolution conv = new ReferenceConvolution(ConvolutionCase.clip(1, 1, 1, 2, 1, 1, 0));
        // a 1x1x1 kernel scales every one of the 2x2x2 values
        float[] clip = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new double[] {3, 6, 9, 12, 15, 18, 21, 24}, conv.forward(clip, new float[] {3}));
        ReferenceConvolution temporal = new ReferenceConvolution(ConvolutionCase.clip(1, 1, 1, 2, 2, 1, 0));
        // a 2x2x2 kernel of ones sums the whole clip
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        assertArrayEquals(new double[] {36}, temporal.forward(clip, ones));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, temporal.weightGradient(new float[] {1}, clip));
    }
}
