package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class SelfAttention2dTest {

    @Test
    void matchesAHandComputationWithIdentityProjections() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two channels, three positions (H = 1, W = 3); x[c][i]
            double[][] x = {{1, 0, -1}, {2, 0.5, 0}};
            NDArray input = m.create(new float[] {1, 0, -1, 2, 0.5f, 0}, new Shape(1, 2, 1, 3));
            SelfAttention2d attention = SelfAttention2d.builder().setChannels(2).optGroups(1).build();
            attention.initialize(m, DataType.FLOAT32, input.getShape());
            float[] identity = {1, 0, 0, 1};                              // (2, 2, 1, 1)
            for (String conv : new String[] {"q", "k", "v", "proj_out"}) {
                TestParameters.named(attention, conv + "_weight").getArray().set(identity);
                TestParameters.named(attention, conv + "_bias").getArray().set(new float[2]);
            }
            NDArray y = attention.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow();

            // by hand: one group over all 6 values, then softmax(h_i . h_j / sqrt 2) weighted sums of h
            double mean = (1 + 0 - 1 + 2 + 0.5 + 0) / 6;
            double var = 0;
            for (double[] row : x) {
                for (double v : row) {
                    var += (v - mean) * (v - mean) / 6;
                }
            }
            double[][] h = new double[2][3];
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 3; i++) {
                    h[c][i] = (x[c][i] - mean) / Math.sqrt(var + 1e-6);
                }
            }
            float[] actual = y.toFloatArray();
            for (int i = 0; i < 3; i++) {
                double[] w = new double[3];
                double sum = 0;
                for (int j = 0; j < 3; j++) {
                    w[j] = Math.exp((h[0][i] * h[0][j] + h[1][i] * h[1][j]) / Math.sqrt(2));
                    sum += w[j];
                }
                for (int c = 0; c < 2; c++) {
                    double attended = 0;
                    for (int j = 0; j < 3; j++) {
                        attended += w[j] / sum * h[c][j];
                    }
                    assertEquals(x[c][i] + attended, actual[c * 3 + i], 1e-5, "channel " + c + " position " + i);
                }
            }
        }
    }

    @Test
    void shufflingThePositionsShufflesTheOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 3));
            SelfAttention2d attention = SelfAttention2d.builder().setChannels(4).optGroups(2).build();
            attention.initialize(m, DataType.FLOAT32, x.getShape());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = attention.forward(ps, new NDList(x), false).singletonOrThrow();
            // a permutation of the 9 positions: flip both spatial axes, and transpose them
            NDArray flipped = attention.forward(ps, new NDList(x.flip(2, 3)), false).singletonOrThrow();
            NDArray transposed = attention.forward(ps, new NDList(x.transpose(0, 1, 3, 2)), false).singletonOrThrow();
            assertEquals(x.getShape(), y.getShape());
            assertTrue(flipped.sub(y.flip(2, 3)).abs().max().getFloat() < 1e-5f);
            assertTrue(transposed.sub(y.transpose(0, 1, 3, 2)).abs().max().getFloat() < 1e-5f);
        }
    }

    @Test
    void wrongChannelsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            SelfAttention2d attention = SelfAttention2d.builder().setChannels(8).optGroups(4).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> attention.initialize(m, DataType.FLOAT32, new Shape(1, 4, 2, 2)));
            assertTrue(e.getMessage().contains("(B, 8, H, W)") && e.getMessage().contains("(1, 4, 2, 2)"), e.getMessage());
        }
    }
    @Test
    void gradientsRepeatExactlyWhenOtherScalarsAreMadeBeforeBackward() {
        // regression: with DJL's div(Number) the scale's memory was freed before backward read it
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 3));
            SelfAttention2d attention = SelfAttention2d.builder().setChannels(4).optGroups(2).build();
            attention.initialize(m, DataType.FLOAT32, x.getShape());
            NDArray qWeight = TestParameters.named(attention, "q_weight").getArray();
            float[] first = null;
            for (int run = 0; run < 20; run++) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray input = x.duplicate();
                    input.attach(scope);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = attention.forward(new ParameterStore(scope, false), new NDList(input), true).singletonOrThrow();
                        for (int i = 0; i < 50; i++) {
                            scope.create(1000f + i).mul(3.5).close();   // scalars that reuse freed buffers
                        }
                        System.gc();
                        gc.backward(y.square().sum());
                    }
                    float[] grad = qWeight.getGradient().toFloatArray();
                    for (ai.djl.nn.Parameter p : attention.getParameters().values()) {
                        p.getArray().getGradient().muli(0);          // DJL accumulates gradients
                    }
                    if (first == null) {
                        first = grad;
                    }
                    assertTrue(java.util.Arrays.equals(first, grad), "gradient changed at run " + run);
                }
            }
            for (float g : first) {
                assertTrue(Float.isFinite(g));
            }
        }
    }
}
