package org.tokenlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.tokenlab.internal.LibtorchContext;

class EngineCheckTest {

    @Test
    void theVerdictIsMadeOnceAndConvolutionsAreRightAfterIt() {
        EngineCheck.Verdict verdict = EngineCheck.ensure();
        assertSame(verdict, EngineCheck.ensure());
        assertSame(verdict, EngineCheck.verdict().orElseThrow());
        assertTrue(verdict.ok(), verdict.message());
        assertTrue(verdict.last().passed(), verdict.message());
    }

    @Test
    void oneDnnIsTurnedOffExactlyWhenItsConvolutionsAreWrongOnThisProcessor() {
        assumeTrue(System.getProperty(EngineCheck.ONEDNN_PROPERTY, "auto").equals("auto"),
                "-D" + EngineCheck.ONEDNN_PROPERTY + " forces the choice");
        EngineCheck.Verdict verdict = EngineCheck.ensure();
        LibtorchContext context = LibtorchContext.find().orElseThrow();
        assertEquals(verdict.oneDnn(), context.oneDnnEnabled(), verdict.message());
        boolean before = context.oneDnnEnabled();
        SelfCheckReport withOneDnn;
        try {
            context.setOneDnnEnabled(true);
            withOneDnn = ConvolutionSelfCheck.standard().run();
        } finally {
            context.setOneDnnEnabled(before);
        }
        assertEquals(withOneDnn.passed() ? EngineCheck.Outcome.PASSED : EngineCheck.Outcome.FIXED, verdict.outcome(),
                "oneDNN alone: " + withOneDnn.summary() + "; verdict: " + verdict.message());
    }

    @Test
    void libtorchsOneDnnSwitchReadsBackWhatWasSet() {
        EngineCheck.ensure(); // the engine is loaded
        LibtorchContext context = LibtorchContext.find().orElseThrow();
        boolean before = context.oneDnnEnabled();
        try {
            context.setOneDnnEnabled(!before);
            assertEquals(!before, context.oneDnnEnabled());
        } finally {
            context.setOneDnnEnabled(before);
        }
        assertEquals(before, context.oneDnnEnabled());
    }

    @Test
    void theMessageSaysWhatWasFoundAndDone() {
        Processor zen5 = new Processor("AuthenticAMD", "AMD EPYC", 26);
        ConvolutionCase c = ConvolutionCase.image(2, 8, 4, 7, 3, 1, 1);
        SelfCheckReport wrong = new SelfCheckReport(
                java.util.List.of(new ConvolutionSelfCheck.CaseResult(c, 0, Double.NaN, 0)), 3);
        SelfCheckReport right = new SelfCheckReport(
                java.util.List.of(new ConvolutionSelfCheck.CaseResult(c, 0, 0, 0)), 3);
        var fixed = new EngineCheck.Verdict(EngineCheck.Outcome.FIXED, zen5, wrong, right, false, false, 40);
        assertTrue(fixed.ok());
        assertEquals("convolutions: oneDNN gave wrong results on this processor, AMD EPYC (AuthenticAMD, CPU family 26): "
                + "0 of 1 convolution cases match the reference (3 repeats each); wrong: 2D 8->4 channels, kernel 3x3, "
                + "stride 1, padding 1, input (2, 8, 7, 7): input gradient NaN or infinite. TokenLab turned oneDNN off "
                + "for this process; with libtorch's own convolutions 1 of 1 convolution cases match the reference "
                + "(3 repeats each) (they may be slower; docs/BENCHMARKS.md) [checked in 40 ms]", fixed.message());
        var failed = new EngineCheck.Verdict(EngineCheck.Outcome.FAILED, zen5, wrong, wrong, true, true, 40);
        assertTrue(!failed.ok());
        assertTrue(failed.message().startsWith("convolutions are WRONG on this processor"), failed.message());
        assertTrue(failed.message().contains("oneDNN kept on by -Dtokenlab.onednn=on"), failed.message());
    }
}
