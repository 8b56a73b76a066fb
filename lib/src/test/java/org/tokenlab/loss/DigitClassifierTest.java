package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;
import org.tokenlab.internal.RecordedGraph;

class DigitClassifierTest {

    /**
     * Separable "digits": a bright 6x8 square at one of 10 places (two rows of five) on a noisy
     * dark background; the label is the place. Images (n, 1, 32, 32) in [-1, 1], labels (n) int64.
     */
    private static NDArray[] squares(NDManager m, int n, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[n * 32 * 32];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(10);
            labels[i] = label;
            int top = (label / 5) * 16 + 4;
            int left = (label % 5) * 6 + 1;
            for (int p = 0; p < 32 * 32; p++) {
                int r = p / 32;
                int c = p % 32;
                boolean inside = r >= top && r < top + 8 && c >= left && c < left + 6;
                pixels[i * 1024 + p] = (inside ? 0.8f : -0.8f) + 0.2f * (float) random.nextGaussian();
            }
        }
        return new NDArray[] {m.create(pixels, new Shape(n, 1, 32, 32)).clip(-1, 1), m.create(labels)};
    }

    @Test
    void learnsASeparableTaskAndGivesTheDocumentedFeatures() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] train = squares(m, 1000, 1);
            NDArray[] test = squares(m, 500, 2);
            // a narrower classifier and smaller batches than train()'s defaults keep the test to seconds;
            // it reaches 100% test accuracy after 40 steps
            DigitClassifier classifier = DigitClassifier.builder().optChannels(8).build().fit(train[0], train[1], 60, 32, 7);
            NDArray predicted = classifier.predict(test[0]);
            assertEquals(new Shape(500), predicted.getShape());
            assertEquals(DataType.INT64, predicted.getDataType());
            double accuracy = predicted.eq(test[1]).toType(DataType.FLOAT32, false).mean().getFloat();
            assertTrue(accuracy > 0.9, "accuracy " + accuracy);
            NDArray many = test[0].repeat(0, 3);   // 1500 images: three batches of 500
            assertEquals(accuracy, classifier.accuracy(many, test[1].repeat(0, 3)), 1e-6);
            NDArray flipped = test[1].add(1).mod(10);
            assertEquals(1 - accuracy, classifier.accuracy(test[0], flipped), 0.02, "wrong labels are counted as wrong");

            List<NDArray> features = classifier.features(test[0].get("0:4"));
            assertEquals(2, features.size());
            assertEquals(new Shape(4, 8, 16, 16), features.get(0).getShape());
            assertEquals(new Shape(4, 16, 8, 8), features.get(1).getShape());
            assertEquals(new Shape(4, 10), classifier.logits(test[0].get("0:4")).getShape());
        }
    }

    @Test
    void asAPerceptualNetworkItIsZeroOnIdenticalDigits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] data = squares(m, 64, 3);
            DigitClassifier classifier = DigitClassifier.train(data[0], data[1], 3, 1);
            assertEquals(16, classifier.channels());
            assertEquals(new Shape(2, 32, 8, 8), classifier.features(data[0].get("0:2")).get(1).getShape());
            PerceptualLoss loss = new PerceptualLoss(classifier);
            assertEquals(0.0, loss.loss(data[0], data[0]).getFloat(), 1e-7);
            assertTrue(loss.loss(data[0].get("0:8"), data[0].get("8:16")).getFloat() > 0);
        }
    }

    @Test
    void logitsOnANewThreadRecordNoGraphWhileFeaturesStayDifferentiable() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            DigitClassifier classifier = DigitClassifier.builder().optChannels(4).build();
            classifier.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));   // parameters require gradients
            NDArray images = squares(m, 2, 4)[0];
            FreshThread.run(() -> {
                assertTrue(Autograd.isRecording(images), "a new thread starts with the engine recording");
                // a plain forward on this thread records: the check below would fail without the pause
                assertTrue(RecordedGraph.of(classifier.forward(new ParameterStore(m, false), new NDList(images), false).head()));
                assertFalse(RecordedGraph.of(classifier.logits(images)), "logits must not record a graph");
                assertEquals(new Shape(2), classifier.predict(images).getShape());
                assertTrue(RecordedGraph.of(classifier.features(images).get(1)), "a perceptual loss needs the graph");
                assertTrue(Autograd.isRecording(images), "the thread's grad mode is given back");
            });
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            DigitClassifier fresh = DigitClassifier.builder().build();
            IllegalStateException state = assertThrows(IllegalStateException.class,
                    () -> fresh.predict(m.zeros(new Shape(1, 1, 32, 32))));
            assertTrue(state.getMessage().contains("train"), state.getMessage());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fresh.features(m.zeros(new Shape(2, 1, 28, 28))));
            assertTrue(e.getMessage().contains("(B, 1, 32, 32)") && e.getMessage().contains("(2, 1, 28, 28)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> DigitClassifier.train(m.zeros(new Shape(2, 1, 32, 32)), m.create(new long[] {1, 10}), 1, 0));
            assertTrue(e.getMessage().contains("0..9") && e.getMessage().contains("10"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> DigitClassifier.train(m.zeros(new Shape(2, 1, 32, 32)), m.create(new long[] {1}), 1, 0));
        }
    }
}
