package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskedTokenTransformerTest {

    /** K = 8 codes, a 2x3 grid, 3 tasks, 4 classes: prefix [task][class], vocabulary 8 + 1 + 3 + 5. */
    private static MaskedTokenTransformer tiny(NDManager m, int tasks, int classes) {
        m.getEngine().setRandomSeed(3);
        MaskedTokenTransformer model = MaskedTokenTransformer.builder().setCodebook(8).setGridShape(2, 3)
                .optTasks(tasks).optClasses(classes).optLayers(2).optHeads(2).optWidth(16).build();
        model.initialize(m, DataType.FLOAT32, new Shape(1, model.prefixLength() + 6));
        return model;
    }

    @Test
    void layoutPutsMaskAfterTheCodesThenTasksThenClassesThenNoClass() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 3, 4);
            assertEquals(8, model.maskId());
            assertEquals(List.of(9, 10, 11), List.of(model.taskId(0), model.taskId(1), model.taskId(2)));
            assertEquals(List.of(12, 15), List.of(model.classId(0), model.classId(3)));
            assertEquals(16, model.noClassId());
            assertEquals(17, model.vocabulary());
            assertEquals(2, model.prefixLength());
            assertEquals(6, model.gridLength());
            assertArrayEquals(new int[] {2, 3}, model.gridShape());
            assertEquals(0, tiny(m, 0, 0).prefixLength());
            assertEquals(9, tiny(m, 0, 0).vocabulary());
            assertEquals(8 + 1 + 4 + 1, tiny(m, 0, 4).vocabulary());
            assertEquals(9, tiny(m, 0, 4).classId(0)); // no task tokens: classes right after [MASK]
        }
    }

    @Test
    void prefixHoldsTaskThenClassWithMinusOneForNoClass() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 3, 4);
            NDArray prefix = model.prefix(m, new int[] {1, 2}, new int[] {3, -1});
            assertEquals(new Shape(2, 2), prefix.getShape());
            assertArrayEquals(new long[] {10, 15, 11, 16}, prefix.toLongArray());
            assertArrayEquals(new long[] {12}, tiny(m, 0, 4).prefix(m, null, new int[] {3}).toLongArray());
        }
    }

    @Test
    void mapsPrefixAndGridToCodeLogitsAtGridPositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 3, 4);
            NDArray ids = TokenSequences.withPrefix(model.prefix(m, new int[] {0, 1}, new int[] {2, -1}), TinyModels.ids(m, 1, 2, 6, 9));
            assertEquals(new Shape(2, 6, 8), model.logits(ids).getShape());
            assertEquals(new Shape(2, 6, 8), model.getOutputShapes(new Shape[] {new Shape(2, 8)})[0]);
            NDArray grid = ids.get(":, 2:");
            NDArray viaFunction = model.conditionedOn(model.prefix(m, new int[] {0, 1}, new int[] {2, -1})).apply(grid);
            assertEquals(0f, viaFunction.sub(model.logits(ids)).abs().max().getFloat(), 1e-6f);
        }
    }

    @Test
    void changingOneTokenChangesTheLogitsAtEveryPositionUnlikeTheCausalModel() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 0, 0);
            NDArray ids = TinyModels.ids(m, 2, 2, 6, 9);
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex(":, 4"), ids.get(":, 4").add(1).mod(9));
            NDArray difference = model.logits(ids).sub(model.logits(changed)).abs().max(new int[] {2}).max(new int[] {0}); // (L,)
            assertTrue(difference.min().getFloat() > 1e-5f, "every position must see position 4: " + difference);

            TokenTransformer gpt = TinyModels.initialized(m, 9, 0, 6);
            NDArray causal = gpt.logits(ids).sub(gpt.logits(changed)).abs().max(new int[] {2}).max(new int[] {0});
            assertEquals(0f, causal.get(":4").max().getFloat(), 1e-6f); // the GPT's positions 0..3 do not
        }
    }

    @Test
    void theClassTokenReachesEveryGridPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 0, 4);
            NDArray grid = TinyModels.ids(m, 4, 1, 6, 9);
            NDArray a = model.conditionedOn(model.prefix(m, null, new int[] {1})).apply(grid);
            NDArray b = model.conditionedOn(model.prefix(m, null, new int[] {-1})).apply(grid);
            assertTrue(a.sub(b).abs().max(new int[] {2}).max(new int[] {0}).min().getFloat() > 1e-5f);
        }
    }

    @Test
    void trainsThroughAParameterStore() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 0, 4);
            NDArray ids = TokenSequences.withPrefix(model.prefix(m, null, new int[] {0, 1}), TinyModels.ids(m, 5, 2, 6, 9));
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(m, false), ids, true); // (2, 6, 8)
                assertEquals(new Shape(2, 6, 8), logits.getShape());
                collector.backward(logits.logSoftmax(-1).get(":, :, 0").mean().neg());
            }
            NDArray gradient = model.getParameters().get("tokenEmbedding").getArray().getGradient();
            assertTrue(gradient.abs().sum().getFloat() > 0);
            assertEquals("positionEmbedding", model.getParameters().keys().get(1));
            assertEquals("05head_weight", model.getParameters().keys().get(model.getParameters().size() - 1));
        }
    }

    @Test
    void refusesIdsThatDoNotBelongWhereTheyStand() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedTokenTransformer model = tiny(m, 3, 4);
            NDArray prefix = model.prefix(m, new int[] {0}, new int[] {1});
            NDArray grid = TinyModels.ids(m, 6, 1, 6, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.logits(grid));
            assertTrue(e.getMessage().contains("reads 8 ids per row (prefix [task][class] of 2, then 6 grid tokens), got shape (1, 6)"), e.getMessage());
            NDArray outside = TokenSequences.withPrefix(prefix, grid);
            outside.set(new NDIndex("0, 5"), 17);
            e = assertThrows(IllegalArgumentException.class, () -> model.logits(outside));
            assertTrue(e.getMessage().contains("expects a code or [MASK] in [0, 8] at row 0, position 5"), e.getMessage());
            assertTrue(e.getMessage().contains("got 17"), e.getMessage());
            NDArray swapped = TokenSequences.withPrefix(m.create(new long[] {13, 10}, new Shape(1, 2)), grid);
            e = assertThrows(IllegalArgumentException.class, () -> model.logits(swapped));
            assertTrue(e.getMessage().contains("expects a task id in [9, 11] at row 0, position 0"), e.getMessage());
            NDArray negative = TokenSequences.withPrefix(prefix, grid.mul(0).sub(1));
            assertThrows(IllegalArgumentException.class, () -> model.logits(negative));
            assertThrows(IllegalArgumentException.class, () -> model.logits(TokenSequences.withPrefix(prefix, grid).toType(DataType.FLOAT32, false)));
            assertThrows(IllegalArgumentException.class, () -> model.prefix(m, new int[] {3}, new int[] {0}));
            assertThrows(IllegalArgumentException.class, () -> model.prefix(m, new int[] {0}, new int[] {4}));
            assertThrows(IllegalArgumentException.class, () -> model.prefix(m, new int[] {0, 1}, new int[] {0}));
            assertThrows(IllegalArgumentException.class, () -> tiny(m, 0, 0).noClassId());
        }
    }

    @Test
    void builderRefusesMissingSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskedTokenTransformer.builder().setGridLength(4).build());
        assertTrue(e.getMessage().contains("setCodebook(K)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskedTokenTransformer.builder().setCodebook(4).build());
        assertTrue(e.getMessage().contains("setGridLength(L) or setGridShape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaskedTokenTransformer.builder().setCodebook(4).setGridShape(2, 0).build());
        assertThrows(IllegalArgumentException.class, () -> MaskedTokenTransformer.builder().setCodebook(4).setGridLength(4).optTasks(-1).build());
    }
}
