package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LookupFreeQuantizerTest {

    /** Standard normal values from {@code java.util.Random(seed)}, the same on every engine. */
    private static NDArray random(NDManager manager, int seed, long... shape) {
        Random random = new Random(seed);
        float[] values = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(shape));
    }

    private static LookupFreeQuantizer lfq(int bits) {
        return LookupFreeQuantizer.builder().setCodeDimension(bits).build();
    }

    @Test
    void paperExampleMinusPointThreePointOneHasIndexTwo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            QuantizerOutput out = lfq(2).quantize(manager.create(new float[] {-0.3f, 0.1f}, new Shape(1, 2)));
            assertArrayEquals(new long[] {2}, out.indices().toLongArray());
            assertArrayEquals(new float[] {-1f, 1f}, out.quantized().toFloatArray());
        }
    }

    @Test
    void firstDimensionIsTheLowestBit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new float[] {0.5f, -0.5f, -0.5f, 0.5f}, new Shape(1, 4));
            assertArrayEquals(new long[] {1 + 8}, lfq(4).quantize(z).indices().toLongArray());
        }
    }

    @Test
    void zeroGoesToMinusOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            QuantizerOutput out = lfq(3).quantize(manager.create(new float[] {0f, 0.5f, 0f}, new Shape(1, 3)));
            assertArrayEquals(new float[] {-1f, 1f, -1f}, out.quantized().toFloatArray());
            assertArrayEquals(new long[] {2}, out.indices().toLongArray());
        }
    }

    @Test
    void imageGridGivesInt64IndicesBhwWhoseCodesEqualTheQuantizedFeatures() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = random(manager, 7, 2, 5, 3, 4);
            LookupFreeQuantizer quantizer = lfq(5);
            QuantizerOutput out = quantizer.quantize(z);
            assertEquals(new Shape(2, 3, 4), out.indices().getShape());
            assertEquals(DataType.INT64, out.indices().getDataType());
            NDArray codes = quantizer.indicesToCodes(out.indices());
            assertEquals(new Shape(2, 5, 3, 4), codes.getShape());
            assertArrayEquals(out.quantized().toFloatArray(), codes.toFloatArray());
        }
    }

    @Test
    void allSixteenIdsOfFourBitsRoundTripThroughCodes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LookupFreeQuantizer quantizer = lfq(4);
            NDArray ids = manager.arange(0L, 16L, 1L, DataType.INT64);
            NDArray codes = quantizer.indicesToCodes(ids); // (16, 4)
            assertArrayEquals(new float[] {-1f, 1f, -1f, -1f}, codes.get(2).toFloatArray());
            assertArrayEquals(ids.toLongArray(), quantizer.quantize(codes).indices().toLongArray());
        }
    }

    @Test
    void straightThroughGradientOfQuantizedTimesWIsW() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.create(new float[] {-0.3f, 0.1f, 2f, 0f, -4f, 0.7f}, new Shape(2, 3));
            NDArray w = manager.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(2, 3));
            z.setRequiresGradient(true);
            LookupFreeQuantizer quantizer = LookupFreeQuantizer.builder().setCodeDimension(3)
                    .optCommitmentWeight(0).optEntropyWeight(0).build();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(quantizer.quantize(z, true).quantized().mul(w).sum());
            }
            assertArrayEquals(w.toFloatArray(), z.getGradient().toFloatArray());
        }
    }

    @Test
    void commitmentLossIsQuarterOfMeanSquaredDistanceToTheCode() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LookupFreeQuantizer quantizer = LookupFreeQuantizer.builder().setCodeDimension(2).optEntropyWeight(0).build();
            QuantizerOutput out = quantizer.quantize(manager.create(new float[] {-0.3f, 0.1f}, new Shape(1, 2)));
            double expected = 0.25 * ((0.7 * 0.7) + (0.9 * 0.9)) / 2; // 0.1625
            assertEquals(expected, out.lossParts().get("commitment").getFloat(), 1e-6);
            assertEquals(0f, out.lossParts().get("entropy").getFloat());
            assertEquals(expected, out.loss().getFloat(), 1e-6);
        }
    }

    @Test
    void outputsAreAttachedToTheFeaturesManagerAndNoTemporaryIsLeft() {
        try (NDManager manager = NDManager.newBaseManager(); NDManager session = manager.newSubManager()) {
            NDArray z = random(session, 3, 4, 6, 2, 2);
            QuantizerOutput out = lfq(6).quantize(z, true);
            assertEquals(session, out.quantized().getManager());
            assertEquals(session, out.loss().getManager());
            // features + quantized, indices, loss + two parts
            assertEquals(6, session.getManagedArrays().size());
            lfq(6).indicesToCodes(out.indices());
            assertEquals(7, session.getManagedArrays().size());
        }
    }
}
