package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FiniteScalarQuantizerTest {

    NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void presetsHaveThePapersCodebookSizes() {
        assertEquals(240, FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_8).codebookSize());
        assertEquals(1000, FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_10).codebookSize());
        assertEquals(4375, FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_12).codebookSize());
        assertEquals(15360, FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_14).codebookSize());
        assertEquals(64000, FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_16).codebookSize());
    }

    @Test
    void oddLevelsRoundToSymmetricGrid() {
        // levels 3: bounded = tanh(z) * 0.999, codes -1, 0, 1, digits 0, 1, 2
        QuantizerOutput out = FiniteScalarQuantizer.of(3).quantize(manager.create(new float[] {-10, 0, 10}, new Shape(3, 1)));
        assertArrayEquals(new float[] {-1, 0, 1}, out.quantized().toFloatArray(), 1e-6f);
        assertArrayEquals(new long[] {0, 1, 2}, out.indices().toLongArray());
    }

    @Test
    void evenLevelsUseExactlyLPointsWithHalfOffset() {
        // levels 4: bounded = tanh(z + atanh(0.5 / 1.4985)) * 1.4985 - 0.5 in (-2, 1): integers -2..1, codes /2
        QuantizerOutput out = FiniteScalarQuantizer.of(4).quantize(manager.create(new float[] {-10, 0, 10}, new Shape(3, 1)));
        assertArrayEquals(new float[] {-1, 0, 0.5f}, out.quantized().toFloatArray(), 1e-6f);
        assertArrayEquals(new long[] {0, 2, 3}, out.indices().toLongArray());
    }

    @Test
    void indexIsMixedRadixWithFirstDimensionLowest() {
        FiniteScalarQuantizer fsq = FiniteScalarQuantizer.of(4, 3);
        NDArray z = manager.create(new float[] {10, -10, -10, 10}, new Shape(2, 2));
        // digits (3, 0) -> 3; digits (0, 2) -> 0 + 2 * 4 = 8
        assertArrayEquals(new long[] {3, 8}, fsq.quantize(z).indices().toLongArray());
    }

    @Test
    void everyIdRoundTripsThroughItsCode() {
        FiniteScalarQuantizer fsq = FiniteScalarQuantizer.of(4, 3, 5);
        NDArray ids = manager.arange(0, 60, 1, DataType.INT64);
        NDArray codes = fsq.indicesToCodes(ids); // (60, 3)
        assertEquals(new Shape(60, 3), codes.getShape());
        assertArrayEquals(ids.toLongArray(), fsq.quantize(inverseBound(fsq, codes)).indices().toLongArray());
    }

    @Test
    void quantizedEqualsCodesOfItsIndicesOnAGrid() {
        FiniteScalarQuantizer fsq = FiniteScalarQuantizer.of(FiniteScalarQuantizer.Preset.CODES_2_10);
        manager.getEngine().setRandomSeed(3);
        NDArray z = manager.randomNormal(0, 2, new Shape(2, 4, 5, 6), DataType.FLOAT32);
        QuantizerOutput out = fsq.quantize(z);
        assertEquals(new Shape(2, 5, 6), out.indices().getShape());
        assertEquals(DataType.INT64, out.indices().getDataType());
        assertTrue(out.quantized().sub(fsq.indicesToCodes(out.indices())).abs().max().getFloat() < 1e-6f);
        assertEquals(0f, out.loss().getFloat());
        assertTrue(out.lossParts().isEmpty());
    }

    @Test
    void gradientPassesThroughTheRoundingButNotAroundTheBound() {
        FiniteScalarQuantizer fsq = FiniteScalarQuantizer.of(3);
        NDArray z = manager.create(new float[] {0.3f}, new Shape(1, 1));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(fsq.quantize(z, true).quantized().sum());
        }
        // d/dz tanh(z) * 0.999 / 1
        double t = Math.tanh(0.3);
        assertEquals((1 - t * t) * 0.999, z.getGradient().getFloat(), 1e-5);
    }

    @Test
    void levelsBelowTwoAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FiniteScalarQuantizer.of(8, 1, 5));
        assertTrue(e.getMessage().contains("[8, 1, 5]"), e.getMessage());
    }

    @Test
    void wrongCodeDimensionNamesTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FiniteScalarQuantizer.of(8, 5, 5, 5).quantize(manager.zeros(new Shape(2, 3, 4, 4))));
        assertTrue(e.getMessage().contains("code dimension 4") && e.getMessage().contains("(2, 3, 4, 4)"), e.getMessage());
    }

    @Test
    void idsOutsideTheGridAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FiniteScalarQuantizer.of(4, 3).indicesToCodes(manager.create(new long[] {0, 12})));
        assertTrue(e.getMessage().contains("[0, 12)"), e.getMessage());
    }

    /** Features whose bounded value rounds to the integer grid point of each code. */
    private static NDArray inverseBound(FiniteScalarQuantizer fsq, NDArray codes) {
        int[] levels = fsq.levels();
        float[] c = codes.toFloatArray();
        float[] z = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            int l = levels[i % levels.length];
            double half = (l - 1) * (1 - 1e-3) / 2;
            double offset = l % 2 == 0 ? 0.5 : 0;
            double q = c[i] * (l / 2); // the integer grid point
            double target = q - 0.3 * Math.signum(q) + offset; // inside its rounding interval; = tanh(z + shift) * half
            double shift = 0.5 * Math.log((1 + offset / half) / (1 - offset / half));
            double t = target / half;
            z[i] = (float) (0.5 * Math.log((1 + t) / (1 - t)) - shift);
        }
        return codes.getManager().create(z, codes.getShape());
    }
}
