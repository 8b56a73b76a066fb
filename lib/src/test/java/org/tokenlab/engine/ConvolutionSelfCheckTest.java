package org.tokenlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvolutionSelfCheckTest {

    @Test
    void theErrorIsRelativeToTheLargestReferenceValueAndNaNForAnyNonFiniteResult() {
        assertEquals(0.5, ConvolutionSelfCheck.relativeError(new float[] {1, 11}, new double[] {1, 10}) * 5, 1e-12);
        assertEquals(0.25, ConvolutionSelfCheck.relativeError(new float[] {0.25f}, new double[] {0}), 1e-12);
        assertTrue(Double.isNaN(ConvolutionSelfCheck.relativeError(new float[] {1, Float.NaN}, new double[] {1, 2})));
        assertTrue(Double.isNaN(ConvolutionSelfCheck.relativeError(
                new float[] {Float.POSITIVE_INFINITY}, new double[] {1})));
    }

    @Test
    void aCaseResultSaysWhichPartIsWrong() {
        ConvolutionCase c = ConvolutionCase.image(2, 8, 4, 7, 3, 1, 1);
        var wrong = new ConvolutionSelfCheck.CaseResult(c, 1e-7, Double.NaN, 2.5);
        assertFalse(wrong.passed());
        assertEquals("input gradient NaN or infinite, weight gradient off by 2.5", wrong.problems());
        var right = new ConvolutionSelfCheck.CaseResult(c, 1e-7, 2e-6, 0);
        assertTrue(right.passed());
        assertEquals("", right.problems());
        var report = new SelfCheckReport(List.of(right, wrong), 3);
        assertEquals("1 of 2 convolution cases match the reference (3 repeats each); wrong: "
                + "2D 8->4 channels, kernel 3x3, stride 1, padding 1, input (2, 8, 7, 7): "
                + "input gradient NaN or infinite, weight gradient off by 2.5", report.summary());
    }

    @Test
    void theStandardCheckPassesOnceTheEngineCheckHasRun() {
        EngineCheck.ensure();
        SelfCheckReport report = ConvolutionSelfCheck.standard().run();
        assertTrue(report.passed(), report.summary());
        assertEquals(7, report.results().size());
    }

    /**
     * The regression test for wrong convolution gradients on AMD Zen 5 (libtorch 2.7.1, oneDNN 3.7.1):
     * the 16 shapes that showed it (filters 1, 2, 4, 8; 8 or 32 input channels; kernel 3 or 4;
     * padding 1; input 2 x C x 7 x 7), five times each. With oneDNN's convolutions on that processor
     * about 9 in 10 of these input gradients were wrong or NaN, and all 16 shapes failed in a run of
     * five; so this fails on the faulty path every time, and passes wherever the engine check did its
     * job.
     */
    @Test
    void sixteenSmallConvolutionsGiveTheReferenceGradientsFiveTimesOver() {
        EngineCheck.ensure();
        List<ConvolutionCase> cases = new ArrayList<>();
        for (int filters : new int[] {1, 2, 4, 8}) {
            for (int in : new int[] {8, 32}) {
                for (int kernel : new int[] {3, 4}) {
                    cases.add(ConvolutionCase.image(2, in, filters, 7, kernel, 1, 1));
                }
            }
        }
        SelfCheckReport report = new ConvolutionSelfCheck(cases, 5).run();
        assertTrue(report.passed(), report.summary());
    }
}
