package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
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

    /** The three grid levels with quantizer dropout, seeded. */
    static ResidualQuantizer threeLevelsWithDropout(long seed) {
        return ResidualQuantizer.builder().setLevels(threeLevels().levels()).optQuantizerDropout(true).optSeed(seed)
                .build();
    }

    /** How many levels each example used: its ids up to the first unused level, which must be a suffix. */
    static int[] depths(NDArray indices) {
        long batch = indices.getShape().get(0);
        long levels = indices.getShape().get(1);
        NDArray used = indices.reshape(batch, levels, -1).get(":, :, 0").neq(ResidualQuantizer.UNUSED_LEVEL);
        int[] depths = new int[(int) batch];
        for (int b = 0; b < batch; b++) {
            boolean[] row = used.get(b).toBooleanArray();
            while (depths[b] < levels && row[depths[b]]) {
                depths[b]++;
            }
            for (int q = depths[b]; q < levels; q++) {
                assertFalse(row[q], "example " + b + " uses level " + q + " after an unused level");
            }
            NDArray perPosition = indices.get(b).reshape(levels, -1).neq(ResidualQuantizer.UNUSED_LEVEL)
                    .toType(DataType.INT64, false).sum(new int[] {0}); // levels used at each position
            assertEquals(depths[b], perPosition.min().getLong(), "every position of an example has its depth");
            assertEquals(depths[b], perPosition.max().getLong(), "every position of an example has its depth");
        }
        return depths;
    }

    @Test
    void quantizerDropoutDrawsADepthPerExampleInOneBatch() {
        ResidualQuantizer rvq = threeLevelsWithDropout(11);
        NDArray z = manager.randomUniform(-2, 2, new Shape(8, 2, 3, 3));
        QuantizerOutput out = rvq.quantize(z, true);
        assertEquals(new Shape(8, 3, 3, 3), out.indices().getShape(), "ids keep every level, unused ones are -1");
        Set<Integer> inOneBatch = new HashSet<>();
        for (int depth : depths(out.indices())) {
            inOneBatch.add(depth);
        }
        assertTrue(inOneBatch.size() > 1, "one batch of 8 examples got the depths " + inOneBatch);
        Set<Integer> overCalls = new HashSet<>(inOneBatch);
        for (int i = 0; i < 10; i++) {
            for (int depth : depths(rvq.quantize(z, true).indices())) {
                overCalls.add(depth);
            }
        }
        assertEquals(Set.of(1, 2, 3), overCalls);
    }

    @Test
    void anExampleWithNLevelsGetsTheSumOfItsFirstNCodesAndTheirIds() {
        ResidualQuantizer rvq = threeLevelsWithDropout(3);
        NDArray z = manager.randomUniform(-2, 2, new Shape(6, 2, 2, 2));
        QuantizerOutput out = rvq.quantize(z, true);
        int[] depths = depths(out.indices());
        assertTrue(Arrays.stream(depths).distinct().count() > 1, Arrays.toString(depths));
        for (int b = 0; b < depths.length; b++) {
            NDArray residual = z.get(b + ":" + (b + 1)); // (1, 2, 2, 2)
            NDArray expected = residual.zerosLike();
            for (int q = 0; q < depths[b]; q++) {
                QuantizerOutput level = rvq.levels().get(q).quantize(residual);
                assertTrue(out.indices().get(b + ":" + (b + 1) + ", " + q).contentEquals(level.indices()),
                        "level " + q + " ids of example " + b);
                NDArray codes = level.quantized();
                expected = expected.add(codes);
                residual = residual.sub(codes);
            }
            float error = out.quantized().get(b + ":" + (b + 1)).sub(expected).abs().max().getFloat();
            assertTrue(error < 1e-6f, "example " + b + " with " + depths[b] + " levels is off by " + error);
        }
        // the unused levels' ids decode to zero codes, so decoding the ids gives the output
        assertTrue(out.quantized().sub(rvq.indicesToCodes(out.indices())).abs().max().getFloat() < 1e-6f);
    }

    @Test
    void lossPartsComeFromTheLevelsTheBatchUsed() {
        ResidualQuantizer rvq = threeLevelsWithDropout(3);
        QuantizerOutput out = rvq.quantize(manager.randomUniform(-2, 2, new Shape(6, 2)), true);
        int deepest = Arrays.stream(depths(out.indices())).max().getAsInt();
        assertEquals(deepest, out.lossParts().size(), out.lossParts().keySet().toString());
        float sum = 0;
        for (NDArray part : out.lossParts().values()) {
            sum += part.getFloat();
        }
        assertEquals(sum, out.loss().getFloat(), 1e-6f);
    }

    @Test
    void gradientPassesStraightThroughForEveryDepth() {
        NDArray z = manager.randomUniform(-2, 2, new Shape(6, 2));
        z.setRequiresGradient(true);
        NDArray w = manager.randomNormal(new Shape(6, 2));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(threeLevelsWithDropout(3).quantize(z, true).quantized().mul(w).sum());
        }
        assertTrue(z.getGradient().contentEquals(w));
    }

    @Test
    void dropoutIsReproducibleWithTheSeed() {
        NDArray z = manager.randomUniform(-2, 2, new Shape(8, 2));
        ResidualQuantizer a = threeLevelsWithDropout(5);
        ResidualQuantizer b = threeLevelsWithDropout(5);
        for (int i = 0; i < 5; i++) {
            assertTrue(a.quantize(z, true).indices().contentEquals(b.quantize(z, true).indices()));
        }
    }

    @Test
    void evaluationModeUsesEveryLevelDespiteDropout() {
        NDArray z = manager.randomUniform(-2, 2, new Shape(8, 2, 3, 3));
        QuantizerOutput withDropout = threeLevelsWithDropout(5).quantize(z, false);
        QuantizerOutput without = threeLevels().quantize(z, false);
        assertTrue(withDropout.indices().contentEquals(without.indices()));
        assertTrue(withDropout.quantized().contentEquals(without.quantized()));
        assertTrue(withDropout.indices().gte(0).all().getBoolean());
    }

    @Test
    void unusedLevelIdsDecodeToZeroCodes() {
        ResidualQuantizer rvq = threeLevels();
        NDArray ids = rvq.quantize(manager.randomUniform(-2, 2, new Shape(4, 2, 3, 3))).indices(); // (4, 3, 3, 3)
        NDArray twoLevels = ids.get(":, 0:2");
        NDArray unusedThird = twoLevels.concat(manager.full(new Shape(4, 1, 3, 3), -1, DataType.INT64), 1);
        assertTrue(rvq.indicesToCodes(unusedThird).contentEquals(rvq.indicesToCodes(twoLevels)));
    }

    @Test
    void builderReadsLikeTheHyperParameterTable() {
        ResidualQuantizer rvq = ResidualQuantizer.builder()
                .addLevels(3, q -> new GridQuantizer(Math.pow(0.25, q), 4, 2))
                .optQuantizerDropout(true)
                .optSeed(1)
                .build();
        assertEquals(3, rvq.depth());
        assertTrue(rvq.quantizerDropout());
        assertEquals(0.0625, ((GridQuantizer) rvq.levels().get(2)).step);
        assertEquals(new Shape(2, 3, 4, 4), rvq.indexShape(new Shape(2, 2, 4, 4)));
        assertEquals(new Shape(5, 3), rvq.indexShape(new Shape(5, 2)));
        assertTrue(rvq.getChildren().isEmpty(), "grid levels are no blocks");
    }

    @Test
    void builderRefusesWhatWouldNotWork() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.builder().build());
        assertTrue(none.getMessage().contains("addLevel"), none.getMessage());
        IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.builder().addLevel(new GridQuantizer(1, 4, 2)).optSeed(3).build());
        assertTrue(seed.getMessage().contains("optQuantizerDropout(true)"), seed.getMessage());
        GridQuantizer shared = new GridQuantizer(1, 4, 2);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.builder().addLevel(shared).addLevel(shared).build());
        assertTrue(twice.getMessage().contains("level 1 is the same quantizer object as level 0"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResidualQuantizer.builder().addLevel(null));
    }

    @Test
    void levelsMustShareCodeDimensionAndCodebookSize() {
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.of(List.of(new GridQuantizer(1, 4, 2), new GridQuantizer(1, 4, 3))));
        assertTrue(dim.getMessage().contains("code dimension: level 0 has 2, level 1 has 3"), dim.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> ResidualQuantizer.of(List.of(new GridQuantizer(1, 4, 2), new GridQuantizer(1, 3, 2))));
        assertTrue(size.getMessage().contains("codebook size: level 0 has 81, level 1 has 49"), size.getMessage());
    }

    @Test
    void tooManyLevelsInIndicesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> threeLevels().indicesToCodes(manager.zeros(new Shape(2, 4), DataType.INT64)));
        assertTrue(e.getMessage().contains("1 <= Q <= 3") && e.getMessage().contains("(2, 4)"), e.getMessage());
    }

    @Test
    void idsOutsideTheCodebookOtherThanUnusedAreRejected() {
        ResidualQuantizer rvq = threeLevels();
        for (long bad : new long[] {-2, 81}) {
            NDArray ids = manager.zeros(new Shape(2, 3), DataType.INT64);
            ids.set(new NDIndex("1, 2"), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rvq.indicesToCodes(ids));
            assertTrue(e.getMessage().contains("[0, 81), or -1") && e.getMessage().contains(String.valueOf(bad)),
                    e.getMessage());
        }
        IllegalArgumentException floats = assertThrows(IllegalArgumentException.class,
                () -> rvq.indicesToCodes(manager.zeros(new Shape(2, 3))));
        assertTrue(floats.getMessage().contains("integer"), floats.getMessage());
    }

    @Test
    void featuresWithAnotherCodeDimensionAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> threeLevels().quantize(manager.zeros(new Shape(2, 3, 4, 4))));
        assertTrue(e.getMessage().contains("ResidualQuantizer expects code dimension 2")
                && e.getMessage().contains("(2, 3, 4, 4)"), e.getMessage());
    }
}
