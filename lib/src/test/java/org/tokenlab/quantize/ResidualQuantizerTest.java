package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResidualQuantizerTest {

    NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Grids of step 1, 1/4, 1/16 with 9 points per dimension: each level refines the one before. */
    static ResidualQuantizer threeLevels() {
        return ResidualQuantizer.of(List.of(new GridQuantizer(1, 4, 2), new GridQuantizer(0.25, 4, 2),
                new GridQuantizer(0.0625, 4, 2)));
    }

    @Test
    void eachLevelQuantizesTheResidualOfTheOnesBefore() {
        // 1.3 -> 1 (residual 0.3) -> 0.25 (residual 0.05) -> 0.0625; sum 1.3125
        NDArray z = manager.create(new float[] {1.3f, -0.6f}, new Shape(1, 2));
        QuantizerOutput out = threeLevels().quantize(z);
        // -0.6 -> -1 (residual 0.4) -> 0.5 (residual -0.1) -> -0.125 ; sum -0.625
        assertEquals(1.3125f, out.quantized().getFloat(0, 0), 1e-6f);
        assertEquals(-0.625f, out.quantized().getFloat(0, 1), 1e-6f);
        assertEquals(new Shape(1, 3), out.indices().getShape());
    }

    @Test
    void indicesHaveALevelAxisAndDecodeToTheQuantizedValues() {
        ResidualQuantizer rvq = threeLevels();
        NDArray z = manager.randomUniform(-2, 2, new Shape(2, 2, 4, 5));
        QuantizerOutput out = rvq.quantize(z);
        assertEquals(new Shape(2, 3, 4, 5), out.indices().getShape());
        assertEquals(DataType.INT64, out.indices().getDataType());
        assertTrue(out.quantized().sub(rvq.indicesToCodes(out.indices())).abs().max().getFloat() < 1e-5f);
    }

    @Test
    void moreLevelsGiveASmallerError() {
        ResidualQuantizer rvq = threeLevels();
        NDArray z = manager.randomUniform(-2, 2, new Shape(64, 2));
        QuantizerOutput out = rvq.quantize(z);
        float errAll = out.quantized().sub(z).abs().max().getFloat();
        float errFirst = rvq.indicesToCodes(out.indices().get(":, 0:1")).sub(z).abs().max().getFloat();
        assertTrue(errAll <= 0.0625f / 2 + 1e-6f, "three levels: " + errAll);
        assertTrue(errFirst > errAll, errFirst + " vs " + errAll);
    }

    @Test
    void lossIsTheSumOfLevelsWithNamedParts() {
        QuantizerOutput out = threeLevels().quantize(manager.create(new float[] {1.3f, -0.6f}, new Shape(1, 2)));
        assertEquals(List.of("level0.commitment", "level1.commitment", "level2.commitment"),
                out.lossParts().keySet().stream().sorted().toList());
        float sum = 0;
        for (NDArray part : out.lossParts().values()) {
            sum += part.getFloat();
        }
        assertEquals(sum, out.loss().getFloat(), 1e-6f);
        // level 0: residuals 0.3, -0.4 -> mean(0.09, 0.16) = 0.125
        assertEquals(0.125f, out.lossParts().get("level0.commitment").getFloat(), 1e-6f);
    }

    @Test
    void gradientPassesStraightThroughAllLevels() {
        NDArray z = manager.create(new float[] {1.3f, -0.6f}, new Shape(1, 2));
        z.setRequiresGradient(true);
        NDArray w = manager.create(new float[] {2f, -3f}, new Shape(1, 2));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(threeLevels().quantize(z, true).quantized().mul(w).sum());
        }
        assertEquals(2f, z.getGradient().getFloat(0, 0), 1e-6f);
        assertEquals(-3f, z.getGradient().getFloat(0, 1), 1e-6f);
    }

    @Test
    void dropoutUsesTheFirstLevelsOnlyWhileTraining() {
        ResidualQuantizer rvq = ResidualQuantizer.of(threeLevels().levels(), true, 11);
        NDArray z = manager.randomUniform(-2, 2, new Shape(4, 2));
        Set<Long> depths = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            depths.add(rvq.quantize(z, true).indices().getShape().get(1));
        }
        assertEquals(Set.of(1L, 2L, 3L), depths);
        assertEquals(3, rvq.quantize(z, false).indices().getShape().get(1));
    }

    @Test
    void dropoutIsReproducibleWithTheSeed() {
        NDArray z = manager.randomUniform(-2, 2, new Shape(4, 2));
        ResidualQuantizer a = ResidualQuantizer.of(threeLevels().levels(), true, 5);
        ResidualQuantizer b = ResidualQuantizer.of(threeLevels().levels(), true, 5);
        for (int i = 0; i < 10; i++) {
            assertEquals(a.quantize(z, true).indices().getShape(), b.quantize(z, true).indices().getShape());
        }
    }

    @Test
    void levelsMustShareCodeDimensionAndCodebookSize() {
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.of(List.of(new GridQuantizer(1, 4, 2), new GridQuantizer(1, 4, 3))));
        assertTrue(dim.getMessage().contains("code dimension"), dim.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.of(List.of(new GridQuantizer(1, 4, 2), new GridQuantizer(1, 3, 2))));
        assertTrue(size.getMessage().contains("codebook size"), size.getMessage());
    }

    @Test
    void tooManyLevelsInIndicesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> threeLevels().indicesToCodes(manager.zeros(new Shape(2, 4), DataType.INT64)));
        assertTrue(e.getMessage().contains("(2, 4)"), e.getMessage());
    }
}
