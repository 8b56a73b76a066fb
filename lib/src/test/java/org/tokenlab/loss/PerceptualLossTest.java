package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerceptualLossTest {

    /** Two "layers": the pixels and their squares, so the loss is computable by hand. */
    private static final FeatureNetwork PIXELS = images -> List.of(images, images.square());

    @Test
    void identicalInputsGiveZeroAndDifferentOnesPositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 8, 8));
            PerceptualLoss loss = new PerceptualLoss(PIXELS);
            assertEquals(0.0, loss.loss(x, x).getFloat(), 1e-7);
            NDArray y = x.add(m.randomNormal(0, 0.3f, x.getShape(), x.getDataType()));
            assertTrue(loss.loss(y, x).getFloat() > 1e-3);
            assertEquals(new Shape(2), loss.perLayer(y, x).getShape());
        }
    }

    @Test
    void channelNormalizedDifferenceByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one position with 2 channels: x = (3, 4) -> (0.6, 0.8); y = (1, 0)
            NDArray x = m.create(new float[] {3f, 4f}, new Shape(1, 2, 1, 1));
            NDArray y = m.create(new float[] {1f, 0f}, new Shape(1, 2, 1, 1));
            PerceptualLoss loss = new PerceptualLoss(images -> List.of(images));
            // mean((0.6 - 1)^2, (0.8 - 0)^2) = (0.16 + 0.64) / 2 = 0.4
            assertEquals(0.4, loss.loss(x, y).getFloat(), 1e-6);
            // scale does not matter after normalization
            assertEquals(0.0, loss.loss(x, x.mul(7)).getFloat(), 1e-6);
        }
    }

    @Test
    void gradientsReachTheReconstruction() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {3f, 4f}, new Shape(1, 2, 1, 1));
            NDArray y = m.create(new float[] {1f, 0f}, new Shape(1, 2, 1, 1));
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(new PerceptualLoss(PIXELS).loss(x, y));
            }
            assertTrue(x.getGradient().abs().sum().getFloat() > 0);
        }
    }

    @Test
    void clipsAreComparedFrameByFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            PerceptualLoss loss = new PerceptualLoss(PIXELS);
            NDArray a = m.randomUniform(-1, 1, new Shape(2, 1, 3, 4, 4));
            NDArray b = m.randomUniform(-1, 1, new Shape(2, 1, 3, 4, 4));
            double sum = 0;
            for (int clip = 0; clip < 2; clip++) {
                for (int t = 0; t < 3; t++) {
                    String frame = clip + ", :, " + t;
                    sum += loss.loss(a.get(frame).expandDims(0), b.get(frame).expandDims(0)).getFloat();
                }
            }
            assertEquals(sum / 6, loss.loss(a, b).getFloat(), 1e-6, "the mean of the six frames' losses");
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            PerceptualLoss loss = new PerceptualLoss(PIXELS);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.loss(m.zeros(new Shape(1, 1, 4, 4)), m.zeros(new Shape(1, 1, 4, 5))));
            assertTrue(e.getMessage().contains("(1, 1, 4, 5)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loss.loss(m.zeros(new Shape(4, 4)), m.zeros(new Shape(4, 4))));
            assertTrue(e.getMessage().contains("(B, C, T, H, W)") && e.getMessage().contains("(4, 4)"), e.getMessage());
            PerceptualLoss empty = new PerceptualLoss(images -> List.of());
            assertThrows(IllegalArgumentException.class, () -> empty.loss(m.zeros(new Shape(1, 1, 4, 4)), m.zeros(new Shape(1, 1, 4, 4))));
            assertThrows(IllegalArgumentException.class, () -> new PerceptualLoss(null));
        }
    }

    @Test
    void allZeroFeaturePositionsGiveFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray features = m.zeros(new ai.djl.ndarray.types.Shape(1, 4, 2, 2));
            features.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray normalized = PerceptualLoss.normalizeChannels(features);
                gc.backward(normalized.sum());
            }
            float[] gradient = features.getGradient().toFloatArray();
            for (float g : gradient) {
                org.junit.jupiter.api.Assertions.assertTrue(Float.isFinite(g), "gradient " + java.util.Arrays.toString(gradient));
            }
        }
    }
}
