package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;
import org.tokenlab.internal.RecordedGraph;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;
import org.tokenlab.train.StepTrainer;

class PatchAutoencoderTest {

    @Test
    void patchesRoundTripAndFollowRowMajorOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.arange(0f, 2 * 16 * 16, 1f).reshape(2, 1, 16, 16);
            NDArray patches = PatchAutoencoder.toPatches(images, 8);
            assertEquals(new Shape(8, 64), patches.getShape());
            // patch 1 of image 0 is rows 0..7, columns 8..15: its first pixel is (0, 8)
            assertEquals(8f, patches.getFloat(1, 0));
            // its second row starts at pixel (1, 8) = 16 + 8
            assertEquals(24f, patches.getFloat(1, 8));
            assertEquals(images, PatchAutoencoder.fromPatches(patches, 8, 2, 2));
        }
    }

    @Test
    void forwardGivesReconstructionIdsAndLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchAutoencoder ae = PatchAutoencoder.builder().setPatchSize(4)
                    .setQuantizer(LookupFreeQuantizer.builder().setCodeDimension(5).build()).optHidden(16).build();
            try (StepTrainer t = new StepTrainer(ae, Optimizer.adam().build(), new Shape(10, 16))) {
                TokenizerOutput out = TokenizerOutput.of(t.predict(new NDList(m.zeros(new Shape(10, 16)))));
                assertEquals(new Shape(10, 16), out.reconstruction().getShape());
                assertEquals(new Shape(10), out.ids().getShape());
                assertEquals(DataType.INT64, out.ids().getDataType());
                assertEquals(new Shape(), out.quantizerLoss().getShape());
                assertEquals(java.util.List.of("commitment", "entropy"), java.util.List.copyOf(out.lossParts().keySet()));
            }
        }
    }

    @Test
    void aResidualQuantizerGivesOneIdPerLevelAndItsLevelsTrainWithTheAutoencoder() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResidualQuantizer rvq = ResidualQuantizer.builder()
                    .addLevels(2, q -> VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(5).optSeed(q).build())
                    .build();
            PatchAutoencoder ae = PatchAutoencoder.builder().setPatchSize(4).setQuantizer(rvq).optHidden(16).build();
            try (StepTrainer t = new StepTrainer(ae, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build(),
                    new Shape(10, 16))) {
                assertEquals(new Shape(10, 2), ae.getOutputShapes(new Shape[] {new Shape(10, 16)})[1]);
                NDArray x = m.randomUniform(-1, 1, new Shape(10, 16));
                float[] before = ((VectorQuantizer) rvq.levels().get(1)).codebook().toFloatArray();
                t.step(new NDList(x), list -> {
                    TokenizerOutput out = TokenizerOutput.of(list);
                    return out.reconstruction().sub(x).square().mean().add(out.quantizerLoss());
                }, list -> assertEquals(new Shape(10, 2), TokenizerOutput.of(list).ids().getShape()));
                float[] after = ((VectorQuantizer) rvq.levels().get(1)).codebook().toFloatArray();
                assertFalse(Arrays.equals(before, after), "the optimizer should reach level 1's codebook");
            }
        }
    }

    @Test
    void trainingLowersTheReconstructionError() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            // four distinct patterns, 4 bits of LFQ are enough to tell them apart
            NDArray patterns = m.randomUniform(-1, 1, new Shape(4, 16)).sign();
            NDArray batch = patterns.repeat(0, 16);
            PatchAutoencoder ae = PatchAutoencoder.builder().setPatchSize(4)
                    .setQuantizer(LookupFreeQuantizer.builder().setCodeDimension(4).build()).optHidden(32).build();
            try (StepTrainer t = new StepTrainer(ae, Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build(),
                    batch.getShape())) {
                float first = t.step(new NDList(batch),
                        list -> TokenizerOutput.of(list).reconstruction().sub(batch).square().mean(), list -> { });
                float last = first;
                for (int i = 0; i < 300; i++) {
                    last = t.step(new NDList(batch), list -> {
                        TokenizerOutput out = TokenizerOutput.of(list);
                        return out.reconstruction().sub(batch).square().mean().add(out.quantizerLoss());
                    }, list -> { });
                }
                NDArray recon = TokenizerOutput.of(t.predict(new NDList(batch))).reconstruction();
                float error = recon.sub(batch).square().mean().getFloat();
                assertTrue(error < first / 4, "error " + error + " after training vs " + first + " at the start");
            }
        }
    }

    @Test
    void encodeDecodeAndPredictOnANewThreadRecordNoGraph() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchAutoencoder ae = PatchAutoencoder.builder().setPatchSize(4)
                    .setQuantizer(LookupFreeQuantizer.builder().setCodeDimension(5).build()).optHidden(16).build();
            try (StepTrainer t = new StepTrainer(ae, Optimizer.adam().build(), new Shape(10, 16))) {
                NDArray patches = m.randomUniform(-1, 1, new Shape(10, 16));
                FreshThread.run(() -> {
                    assertTrue(Autograd.isRecording(patches), "a new thread starts with the engine recording");
                    // a plain forward on this thread records: the checks below would fail without the pause
                    assertTrue(RecordedGraph.of(ae.forward(t.parameterStore(), patches, false).reconstruction()));
                    NDArray codes = ae.quantizer().indicesToCodes(ae.encode(t.parameterStore(), patches));
                    assertFalse(RecordedGraph.of(ae.decodeCodes(t.parameterStore(), codes)));
                    assertFalse(RecordedGraph.of(TokenizerOutput.of(t.predict(new NDList(patches))).reconstruction()));
                    assertTrue(Autograd.isRecording(patches), "the thread's grad mode is given back");
                });
            }
        }
    }

    @Test
    void wrongPatchWidthIsExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchAutoencoder ae = PatchAutoencoder.builder().setPatchSize(8)
                    .setQuantizer(LookupFreeQuantizer.builder().setCodeDimension(4).build()).build();
            try (StepTrainer t = new StepTrainer(ae, Optimizer.adam().build(), new Shape(2, 64))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> t.predict(new NDList(m.zeros(new Shape(2, 63)))));
                assertTrue(e.getMessage().contains("(N, 64)") && e.getMessage().contains("(2, 63)"), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> PatchAutoencoder.builder().setPatchSize(8).build());
        }
    }
}
