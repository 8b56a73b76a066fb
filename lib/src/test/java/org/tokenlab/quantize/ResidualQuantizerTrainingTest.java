package org.tokenlab.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.train.StepTrainer;

/** Residual quantization over VQ blocks: levels as child blocks, trained, saved and reloaded. */
class ResidualQuantizerTrainingTest {

    /** Four gradient-trained VQ levels of 8 codes in 4 dimensions, with quantizer dropout. */
    private static ResidualQuantizer fourVqLevels() {
        return ResidualQuantizer.builder()
                .addLevels(4, q -> VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(q + 1).build())
                .optQuantizerDropout(true)
                .optSeed(7)
                .build();
    }

    /** Features (B, 4, 2, 2) near 16 fixed centres. */
    private static NDArray clustered(NDManager manager, NDArray centres, int batch) {
        NDArray pick = manager.randomInteger(0, 16, new Shape(batch * 4L), DataType.INT64);
        NDArray rows = centres.get(pick).add(manager.randomNormal(0, 0.1f, new Shape(batch * 4L, 4), DataType.FLOAT32));
        return rows.reshape(batch, 2, 2, 4).transpose(0, 3, 1, 2); // (B, D, 2, 2)
    }

    private static VectorQuantizer level(ResidualQuantizer rvq, int q) {
        return (VectorQuantizer) rvq.levels().get(q);
    }

    @Test
    void levelsAreChildBlocksThatInitializeWithItAndListTheirParametersUnderDistinctNames() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResidualQuantizer rvq = ResidualQuantizer.builder()
                    .addLevels(3, q -> VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(q).build())
                    .addLevel(VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optEma(0.9).optSeed(3).build())
                    .build();
            assertEquals(List.of("01level0_codebook", "02level1_codebook", "03level2_codebook", "04level3_codebook",
                    "04level3_emaCount", "04level3_emaSum"), rvq.getParameters().keys());
            assertEquals(rvq.getParameters().size(), new HashSet<>(rvq.getParameters().keys()).size());
            assertFalse(rvq.isInitialized());
            assertThrows(IllegalStateException.class, () -> level(rvq, 0).codebook());
            assertThrows(IllegalStateException.class, () -> rvq.saveParameters(new DataOutputStream(new ByteArrayOutputStream())));

            rvq.initialize(manager);
            assertTrue(rvq.isInitialized());
            for (int q = 0; q < 4; q++) {
                assertEquals(new Shape(8, 4), level(rvq, q).codebook().getShape(), "level " + q);
            }
            NDArray z = manager.randomNormal(new Shape(2, 4, 3, 3));
            NDList out = rvq.forward(new ParameterStore(manager, false), new NDList(z), false);
            Shape[] expected = rvq.getOutputShapes(new Shape[] {z.getShape()});
            assertEquals(new Shape(2, 4, 3, 3), expected[1]);
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], out.get(i).getShape(), "output " + i);
            }
            assertTrue(out.get(1).contentEquals(rvq.quantize(z).indices()));
        }
    }

    @Test
    void fourVqLevelsTrainThroughATrainerAndReloadToTheSameIds() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            NDArray centres = manager.randomNormal(0, 2, new Shape(16, 4), DataType.FLOAT32);
            ResidualQuantizer rvq = fourVqLevels();
            List<float[]> before = new ArrayList<>();
            try (StepTrainer trainer = new StepTrainer(rvq, Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f))
                    .build(), new Shape(16, 4, 2, 2))) {
                for (int q = 0; q < 4; q++) {
                    before.add(level(rvq, q).codebook().toFloatArray());
                }
                for (int step = 0; step < 30; step++) {
                    try (NDManager batch = manager.newSubManager()) {
                        NDArray x = clustered(batch, centres, 16);
                        trainer.step(new NDList(x), out -> out.get(2), out -> {}); // the levels' codebook and commitment losses
                    }
                }
                for (int q = 0; q < 4; q++) {
                    float[] after = level(rvq, q).codebook().toFloatArray();
                    float moved = 0;
                    for (int i = 0; i < after.length; i++) {
                        moved = Math.max(moved, Math.abs(after[i] - before.get(q)[i]));
                    }
                    assertTrue(moved > 0.05f, "the optimizer moved level " + q + "'s codebook by only " + moved);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                rvq.saveParameters(new DataOutputStream(bytes));

                ResidualQuantizer loaded = fourVqLevels();
                loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                NDArray heldOut = clustered(manager, centres, 8);
                NDArray ids = rvq.quantize(heldOut).indices();
                assertTrue(ids.contentEquals(loaded.quantize(heldOut).indices()));
                for (int q = 0; q < 4; q++) {
                    assertArrayEquals(level(rvq, q).codebook().toFloatArray(), level(loaded, q).codebook().toFloatArray());
                }
                NDArray untrainedIds = fourVqLevels().initialize(manager).quantize(heldOut).indices();
                assertFalse(ids.contentEquals(untrainedIds), "training should have changed the ids");
            }
        }
    }

    @Test
    void aLevelsEmaStatisticsSeeOnlyTheExamplesThatUsedIt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int codes = 4;
            double decay = 0.5;
            ResidualQuantizer rvq = ResidualQuantizer.builder()
                    .addLevels(3, q -> VectorQuantizer.builder().setCodebookSize(codes).setCodeDimension(2).optEma(decay)
                            .optSeed(q).build())
                    .optQuantizerDropout(true)
                    .optSeed(5)
                    .build()
                    .initialize(manager);
            QuantizerOutput out = rvq.quantize(manager.randomNormal(new Shape(8, 2, 3, 3)), true);
            int[] depths = ResidualQuantizerTest.depths(out.indices());
            long[] rowsSeen = new long[3];
            for (int q = 0; q < 3; q++) {
                for (int depth : depths) {
                    rowsSeen[q] += depth > q ? 9 : 0; // 3 x 3 positions per example
                }
                // the counts start at 1 per code; one step gives decay * K + (1 - decay) * (rows the level quantized)
                float counted = level(rvq, q).getParameters().get("emaCount").getArray().sum().getFloat();
                assertEquals(decay * codes + (1 - decay) * rowsSeen[q], counted, 1e-3, "level " + q);
            }
            assertEquals(72, rowsSeen[0]);
            assertTrue(rowsSeen[2] < rowsSeen[1] || rowsSeen[1] < rowsSeen[0], "the seed should give mixed depths");
        }
    }
}
