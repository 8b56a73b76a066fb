package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    private static NDArray run(GroupNorm norm, NDArray x) {
        norm.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        return norm.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void eachGroupHasMeanZeroAndVarianceOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            // channel c has mean 3c and scale c + 1, so groups start far from normalized
            NDArray x = m.randomNormal(new Shape(2, 6, 4, 5)).mul(m.arange(1f, 7f, 1f).reshape(1, 6, 1, 1))
                    .add(m.arange(0f, 18f, 3f).reshape(1, 6, 1, 1));
            NDArray y = run(GroupNorm.builder().setGroups(3).setChannels(6).build(), x);
            assertEquals(x.getShape(), y.getShape());
            NDArray grouped = y.reshape(2, 3, 2 * 4 * 5);                 // (B, G, 40)
            NDArray mean = grouped.mean(new int[] {2});
            NDArray variance = grouped.sub(grouped.mean(new int[] {2}, true)).square().mean(new int[] {2});
            assertTrue(mean.abs().max().getFloat() < 1e-4f, "group means " + mean);
            assertTrue(variance.sub(1).abs().max().getFloat() < 1e-4f, "group variances " + variance);
        }
    }

    @Test
    void handComputedValuesOnOneGroupOfFourNumbers() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one channel, values 1 2 3 4: mean 2.5, biased variance 1.25
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray y = run(GroupNorm.builder().setGroups(1).setChannels(1).build(), x);
            float sd = (float) Math.sqrt(1.25 + 1e-6);
            float[] expected = {-1.5f / sd, -0.5f / sd, 0.5f / sd, 1.5f / sd};
            float[] actual = y.toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], actual[i], 1e-5f);
            }
        }
    }

    @Test
    void gammaAndBetaScaleAndShiftEachChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(2);
            NDArray x = m.randomNormal(new Shape(3, 4, 5, 5));
            GroupNorm norm = GroupNorm.builder().setGroups(2).setChannels(4).build();
            NDArray plain = run(norm, x);
            norm.getParameters().get("gamma").getArray().set(new float[] {1, 2, 3, 4});
            norm.getParameters().get("beta").getArray().set(new float[] {0, -1, 10, 0.5f});
            NDArray affine = norm.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            for (int c = 0; c < 4; c++) {
                float gamma = c + 1;
                float beta = new float[] {0, -1, 10, 0.5f}[c];
                NDArray expected = plain.get(new NDIndex(":, {}", c)).mul(gamma).add(beta);
                NDArray actual = affine.get(new NDIndex(":, {}", c));
                assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-5f, "channel " + c);
            }
        }
    }

    @Test
    void normalizesVideosOverTimeAndSpace() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray video = m.randomNormal(2f, 5f, new Shape(2, 8, 3, 4, 4), DataType.FLOAT32);   // (B, C, T, H, W)
            NDArray y = run(GroupNorm.builder().setGroups(4).setChannels(8).build(), video);
            assertEquals(video.getShape(), y.getShape());
            NDArray grouped = y.reshape(2, 4, -1);
            assertTrue(grouped.mean(new int[] {2}).abs().max().getFloat() < 1e-4f);
            assertTrue(grouped.square().mean(new int[] {2}).sub(1).abs().max().getFloat() < 1e-4f);
        }
    }

    @Test
    void gradientsMatchTheFormulaOfMeansAndVariances() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            NDArray x = m.randomNormal(1f, 3f, new Shape(3, 8, 5, 6), DataType.FLOAT32);
            NDArray upstream = m.randomNormal(new Shape(3, 8, 5, 6));                 // d loss / d output
            NDArray gamma = m.randomNormal(new Shape(8));
            NDArray beta = m.randomNormal(new Shape(8));
            GroupNorm norm = GroupNorm.builder().setGroups(4).setChannels(8).build();
            norm.initialize(m, DataType.FLOAT32, x.getShape());
            norm.getParameters().get("gamma").getArray().set(gamma.toFloatArray());
            norm.getParameters().get("beta").getArray().set(beta.toFloatArray());
            NDArray[] block = gradients(x, upstream, in -> norm.forward(new ParameterStore(m, false), new NDList(in), true)
                    .singletonOrThrow(), norm.getParameters().get("gamma").getArray(), norm.getParameters().get("beta").getArray());
            NDArray g = gamma.duplicate();
            NDArray b = beta.duplicate();
            NDArray[] formula = gradients(x, upstream, in -> {
                NDArray grouped = in.reshape(3, 4, -1);
                NDArray centered = grouped.sub(grouped.mean(new int[] {2}, true));
                NDArray variance = centered.square().mean(new int[] {2}, true);
                NDArray normalized = centered.div(variance.add(m.full(new Shape(), 1e-6f)).sqrt()).reshape(in.getShape());
                return normalized.mul(g.reshape(1, 8, 1, 1)).add(b.reshape(1, 8, 1, 1));
            }, g, b);
            for (int i = 0; i < 4; i++) {
                float error = block[i].sub(formula[i]).abs().max().getFloat();
                assertTrue(error < 1e-4f, new String[] {"output", "input gradient", "gamma gradient", "beta gradient"}[i]
                        + " differs by " + error);
            }
        }
    }

    /** The output of {@code f(x)} and the gradients of {@code sum(f(x) * upstream)} for x, gamma and beta. */
    private static NDArray[] gradients(NDArray x, NDArray upstream, java.util.function.UnaryOperator<NDArray> f,
            NDArray gamma, NDArray beta) {
        NDArray in = x.duplicate();
        for (NDArray a : new NDArray[] {in, gamma, beta}) {
            a.setRequiresGradient(true);
        }
        NDArray out;
        try (ai.djl.training.GradientCollector gc = x.getManager().getEngine().newGradientCollector()) {
            out = f.apply(in);
            gc.backward(out.mul(upstream).sum());
        }
        return new NDArray[] {out.stopGradient(), in.getGradient().duplicate(), gamma.getGradient().duplicate(),
                beta.getGradient().duplicate()};
    }

    @Test
    void channelCountThatGroupsDoNotDivideIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupNorm.builder().setGroups(32).setChannels(48).build());
        assertTrue(e.getMessage().contains("48 channels") && e.getMessage().contains("32 groups")
                && e.getMessage().contains("e.g. 24"), e.getMessage());
    }

    @Test
    void inputWithTheWrongChannelCountIsExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = GroupNorm.builder().setGroups(2).setChannels(4).build();
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 4, 2, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> norm.forward(
                    new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 6, 2, 2))), false));
            assertTrue(e.getMessage().contains("(B, 4, ...)") && e.getMessage().contains("(1, 6, 2, 2)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> norm.forward(
                    new ParameterStore(m, false), new NDList(m.zeros(new Shape(4, 4))), false));
        }
    }
}
