package org.tokenlab.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scalars;

/**
 * Runs small convolutions forward and backward on the engine's CPU and compares the output and both
 * gradients with {@link ReferenceConvolution}, a plain double-precision loop. The default cases are
 * the shapes where a faulty native convolution shows itself: a convolution that reads a tensor whose
 * channel count is not a multiple of the 8- or 16-float block oneDNN packs channels into (the padding
 * of the block must hold zeros): 20 input channels for a forward pass, 1 or 4 output channels for the
 * input gradient; a 1-channel first layer, a strided down-sampling and a 3D convolution with both
 * (12 -> 4 channels). Together they take 0.1-0.3 s.
 *
 * <pre>{@code
 * jshell> ConvolutionSelfCheck.standard().run()
 * $1 ==> 7 of 7 convolution cases match the reference (3 repeats each)
 * }</pre>
 */
public final class ConvolutionSelfCheck {

    /** Largest error allowed, relative to the largest reference value (float32 sums of a few hundred terms). */
    public static final double TOLERANCE = 1e-3;

    private final List<ConvolutionCase> cases;
    private final int repeats;

    /**
     * @param cases the problems to run
     * @param repeats how many times each runs, each time with fresh data (a fault that depends on what
     *     freed memory held shows only in some runs)
     */
    public ConvolutionSelfCheck(List<ConvolutionCase> cases, int repeats) {
        Checks.require(cases != null && !cases.isEmpty(), "ConvolutionSelfCheck needs at least one case");
        this.cases = List.copyOf(cases);
        this.repeats = Checks.positive(repeats, "repeats");
    }

    /** The start-up check: seven cases, three repeats each. */
    public static ConvolutionSelfCheck standard() {
        return new ConvolutionSelfCheck(List.of(
                ConvolutionCase.image(2, 8, 4, 7, 3, 1, 1),
                ConvolutionCase.image(2, 32, 1, 7, 4, 1, 1),
                ConvolutionCase.image(2, 20, 24, 8, 3, 1, 1),
                ConvolutionCase.image(2, 16, 1, 8, 3, 1, 1),
                ConvolutionCase.image(2, 1, 16, 8, 3, 1, 1),
                ConvolutionCase.image(2, 8, 4, 8, 4, 2, 1),
                ConvolutionCase.clip(2, 12, 4, 5, 3, 1, 1)), 3);
    }

    /** Runs every case on the default engine's CPU; the data come from a fixed seed, not the engine's generator. */
    public SelfCheckReport run() {
        Random random = new Random(20261202L);
        List<CaseResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (ConvolutionCase c : cases) {
                CaseResult worst = null;
                for (int r = 0; r < repeats; r++) {
                    try (NDManager scope = manager.newSubManager()) {
                        CaseResult result = runOnce(scope, c, random);
                        worst = worst == null || !result.passed() && worst.passed() ? result : worst;
                    }
                }
                results.add(worst);
            }
        }
        return new SelfCheckReport(results, repeats);
    }

    private static CaseResult runOnce(NDManager scope, ConvolutionCase c, Random random) {
        float[] xs = uniform(random, c.inputShape().size());
        float[] ws = uniform(random, c.weightShape().size());
        float[] gs = uniform(random, c.outputShape().size());
        // engine-owned copies: arrays made from Java data may not stay valid until the backward pass
        NDArray x = Scalars.owned(scope.create(xs, c.inputShape()));
        NDArray w = Scalars.owned(scope.create(ws, c.weightShape()));
        NDArray g = Scalars.owned(scope.create(gs, c.outputShape()));
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y = x.getNDArrayInternal()
                    .convolution(x, w, null, c.strideShape(), c.paddingShape(), c.dilationShape(), 1)
                    .singletonOrThrow();
            gc.backward(y.mul(g).sum());
        }
        ReferenceConvolution reference = new ReferenceConvolution(c);
        return new CaseResult(c,
                relativeError(y.toFloatArray(), reference.forward(xs, ws)),
                relativeError(x.getGradient().toFloatArray(), reference.inputGradient(gs, ws)),
                relativeError(w.getGradient().toFloatArray(), reference.weightGradient(gs, xs)));
    }

    /** {@code max |got - expected| / max(1, max |expected|)}; NaN when {@code got} holds a NaN or an infinity. */
    static double relativeError(float[] got, double[] expected) {
        Checks.require(got.length == expected.length, "expected %d values, got %d", expected.length, got.length);
        double worst = 0;
        double scale = 1;
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.NaN;
            }
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return worst / scale;
    }

    private static float[] uniform(Random random, long n) {
        float[] values = new float[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /**
     * The outcome of one case: its worst repeat's errors, each relative to the reference's scale, NaN
     * for a NaN or infinite result.
     */
    public record CaseResult(ConvolutionCase convolution, double forwardError, double inputGradientError,
                             double weightGradientError) {

        public boolean passed() {
            return forwardError <= TOLERANCE && inputGradientError <= TOLERANCE && weightGradientError <= TOLERANCE;
        }

        /** What went wrong, e.g. {@code input gradient NaN, weight gradient off by 2.3}; empty when passed. */
        public String problems() {
            List<String> wrong = new ArrayList<>();
            describe(wrong, "output", forwardError);
            describe(wrong, "input gradient", inputGradientError);
            describe(wrong, "weight gradient", weightGradientError);
            return String.join(", ", wrong);
        }

        private static void describe(List<String> wrong, String what, double error) {
            if (Double.isNaN(error)) {
                wrong.add(what + " NaN or infinite");
            } else if (error > TOLERANCE) {
                wrong.add(String.format("%s off by %.2g", what, error));
            }
        }
    }
}
