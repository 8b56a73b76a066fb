package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;
import org.tokenlab.internal.RecordedGraph;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;

class VqganTokenizerTest {

    /** Narrow widths keep the test fast; the layout is the default's: 32x32 -> 8x8 tokens. */
    static VqganConfig small() {
        return VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optGroups(4).optLatentChannels(16).build();
    }

    @Test
    void digitsBecomeAnEightByEightGridOfTokensAndBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(10).build());
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            NDArray ids = t.encode(images);
            assertEquals(new Shape(2, 8, 8), ids.getShape());
            assertEquals(DataType.INT64, ids.getDataType());
            assertEquals(4, t.downsamplingFactor());
            assertEquals(new Shape(2, 1, 32, 32), t.decode(ids).getShape());
        }
    }

    @Test
    void forwardReturnsReconstructionIdsAndLossAndDecodingTheIdsGivesTheReconstruction() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(32).setCodeDimension(8).optSeed(1).build();
            VqganTokenizer t = VqganTokenizer.of(small(), vq);
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            TokenizerOutput out = t.forward(new ParameterStore(m, false), images, false);
            assertEquals(new Shape(2, 1, 32, 32), out.reconstruction().getShape());
            assertEquals(new Shape(2, 8, 8), out.ids().getShape());
            assertEquals(new Shape(), out.quantizerLoss().getShape());
            float diff = out.reconstruction().sub(t.decode(out.ids())).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "decode(ids) differs from the forward's reconstruction by " + diff);
        }
    }

    @Test
    void theQuantizersLossPartsComeThroughTheBlocksListAndSumToItsLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(6);
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(32).setCodeDimension(8).optSeed(1).build();
            VqganTokenizer t = VqganTokenizer.of(small(), vq);
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            // the list DJL's Trainer.forward returns, read back by name
            TokenizerOutput out = TokenizerOutput.of(t.forward(new ParameterStore(m, false), new NDList(images), true));
            assertEquals(java.util.List.of("codebook", "commitment"), java.util.List.copyOf(out.lossParts().keySet()));
            float parts = out.lossParts().get("codebook").add(out.lossParts().get("commitment")).getFloat();
            assertEquals(out.quantizerLoss().getFloat(), parts, 1e-6f);
            assertTrue(out.lossParts().get("commitment").getFloat() > 0, "random features are away from the codes");
            assertEquals(new Shape(2, 8, 8), out.ids().getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TokenizerOutput.of(new NDList(images, out.ids())));
            assertTrue(e.getMessage().contains("got 2 arrays"), e.getMessage());
        }
    }

    @Test
    void aResidualQuantizerGivesIdsWithALevelAxisThatDecodeAndItsLevelsInitializeWithTheTokenizer() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(8);
            ResidualQuantizer rvq = ResidualQuantizer.builder()
                    .addLevels(3, q -> VectorQuantizer.builder().setCodebookSize(32).setCodeDimension(8).optSeed(q).build())
                    .optQuantizerDropout(true)
                    .optSeed(2)
                    .build();
            VqganTokenizer t = VqganTokenizer.of(small(), rvq);
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            assertTrue(t.getParameters().keys().contains("03quantizer_03level2_codebook"), t.getParameters().keys().toString());
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            NDArray ids = t.encode(images);
            assertEquals(new Shape(2, 3, 8, 8), ids.getShape());
            assertEquals(new Shape(2, 3, 8, 8), t.getOutputShapes(new Shape[] {images.getShape()})[1]);
            TokenizerOutput out = t.forward(new ParameterStore(m, false), images, false);
            assertTrue(out.ids().contentEquals(ids));
            float diff = out.reconstruction().sub(t.decode(ids)).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "decode(ids) differs from the forward's reconstruction by " + diff);
            assertTrue(out.lossParts().keySet().containsAll(java.util.List.of("level0.commitment", "level2.codebook")),
                    out.lossParts().keySet().toString());
            assertEquals(new Shape(2, 1, 32, 32), t.decode(ids.get(":, 0:1")).getShape()); // the first level alone
            TokenizerOutput training = t.forward(new ParameterStore(m, false), images, true); // dropout: -1 ids
            assertEquals(new Shape(2, 1, 32, 32), t.decode(training.ids()).getShape());
            IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(m.zeros(new Shape(2, 8, 8), DataType.INT64)));
            assertTrue(grid.getMessage().contains("(B, Q, h, w)") && grid.getMessage().contains("(2, 8, 8)"),
                    grid.getMessage());
            IllegalArgumentException levels = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(m.zeros(new Shape(2, 4, 8, 8), DataType.INT64)));
            assertTrue(levels.getMessage().contains("1 <= Q <= 3"), levels.getMessage());
        }
    }

    @Test
    void tokenGridsOfAnotherRankAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
            t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(m.zeros(new Shape(1, 2, 8, 8), DataType.INT64)));
            assertTrue(e.getMessage().contains("(B, h, w)") && e.getMessage().contains("(1, 2, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void unfreezingTheTokensGivesEveryParameterBackItsOwnSettingSoEmaStatisticsStayWithoutGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = VectorQuantizer.builder().setCodebookSize(32).setCodeDimension(4).optEma(0.99).optSeed(1).build();
            VqganTokenizer t = VqganTokenizer.of(small(), vq);
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            java.util.Map<String, Boolean> before = trainable(t);
            assertTrue(before.containsValue(false), "the EMA statistics should be parameters without gradient: " + before);
            t.freezeTokens(true);
            trainable(t).forEach((name, grad) -> {
                // child blocks are numbered: 01encoder, 02quant_conv, 03quantizer, 04post_quant_conv, 05decoder
                if (name.matches("0[123].*")) {
                    assertEquals(false, grad, name + " should be frozen");
                }
            });
            t.freezeTokens(false);
            assertEquals(before, trainable(t));
            t.freezeTokens(false); // unfreezing twice changes nothing
            assertEquals(before, trainable(t));
        }
    }

    private static java.util.Map<String, Boolean> trainable(VqganTokenizer t) {
        java.util.Map<String, Boolean> flags = new java.util.LinkedHashMap<>();
        t.getParameters().forEach(p -> flags.put(p.getKey(), p.getValue().requiresGradient()));
        return flags;
    }

    @Test
    void gradientsReachTheEncoderAndTheLastDecoderLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TokenizerOutput out = t.forward(new ParameterStore(m, false), images, true);
                gc.backward(out.reconstruction().sub(images).abs().mean().add(out.quantizerLoss()));
            }
            assertNotEquals(0f, t.lastLayerWeight().getGradient().abs().sum().getFloat());
            float encoderGrad = t.getParameters().get(0).getValue().getArray().getGradient().abs().sum().getFloat();
            assertNotEquals(0f, encoderGrad, "first encoder parameter " + t.getParameters().get(0).getKey());
        }
    }

    @Test
    void wrongImagesAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
            t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> t.encode(m.zeros(new Shape(1, 3, 32, 32))));
            assertTrue(channels.getMessage().contains("(B, 1, H, W)") && channels.getMessage().contains("(1, 3, 32, 32)"),
                    channels.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.encode(m.zeros(new Shape(1, 1, 30, 30))));
            assertThrows(IllegalArgumentException.class, () -> t.decode(m.zeros(new Shape(1, 8, 8), DataType.INT64).add(64)));
        }
    }

    @Test
    void configRejectsWidthsThatGroupsDoNotDivide() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VqganConfig.builder()
                .setImageChannels(1).optBaseChannels(6).optChannelMultipliers(1, 2).optGroups(4).build());
        assertTrue(e.getMessage().contains("groups = 4") && e.getMessage().contains("6 x [1, 2]"), e.getMessage());
        assertEquals(VqganConfig.defaults(), VqganConfig.defaults());
    }

    @Test
    void theConfigBuilderNamesEverySettingAndStartsFromTheDefaults() {
        assertEquals(VqganConfig.defaults(), VqganConfig.builder().setImageChannels(1).build());
        VqganConfig gpu = VqganConfig.builder().setImageChannels(1).optBaseChannels(64).optChannelMultipliers(1, 2, 2)
                .optResidualBlocks(2).optAttention(true).optGroups(16).optLatentChannels(128).build();
        assertEquals(new VqganConfig(1, 64, new int[] {1, 2, 2}, 2, true, 16, 128), gpu);
        VqganConfig rgb = VqganConfig.builder().setImageChannels(3).optAttention(false).build();
        assertEquals(3, rgb.imageChannels());
        assertEquals(false, rgb.attention());
        assertEquals(32, rgb.baseChannels());
    }

    @Test
    void theConfigBuilderExplainsAMissingOrBadSetting() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> VqganConfig.builder().optBaseChannels(16).build());
        assertTrue(missing.getMessage().contains("setImageChannels") && missing.getMessage().contains("3 for RGB"),
                missing.getMessage());
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> VqganConfig.builder().setImageChannels(1).optGroups(0).build());
        assertTrue(groups.getMessage().contains("groups must be at least 1, got 0"), groups.getMessage());
        IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
                () -> VqganConfig.builder().setImageChannels(1).optBaseChannels(-3).build());
        assertTrue(base.getMessage().contains("baseChannels must be at least 1, got -3"), base.getMessage());
        IllegalArgumentException multipliers = assertThrows(IllegalArgumentException.class,
                () -> VqganConfig.builder().setImageChannels(1).optChannelMultipliers().build());
        assertTrue(multipliers.getMessage().contains("channelMultipliers") && multipliers.getMessage().contains("{1, 2, 2}"),
                multipliers.getMessage());
    }

    @Test
    void tokenShapeAndInputShapeMapImagesToGridsAndBack() {
        VqganTokenizer four = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
        assertEquals(new Shape(2, 8, 8), four.tokenShape(new Shape(2, 1, 32, 32)));   // 32 / 4 = 8
        assertEquals(new Shape(3, 4, 6), four.tokenShape(new Shape(3, 1, 16, 24)));   // 16 / 4, 24 / 4
        assertEquals(new Shape(3, 1, 16, 24), four.inputShape(new Shape(3, 4, 6), 1));
        VqganConfig twoLevels = VqganConfig.builder().setImageChannels(3).optBaseChannels(8).optChannelMultipliers(1, 2)
                .optGroups(4).optLatentChannels(8).build();
        VqganTokenizer two = VqganTokenizer.of(twoLevels, LookupFreeQuantizer.builder().setCodeDimension(4).build());
        assertEquals(new Shape(5, 8, 10), two.tokenShape(new Shape(5, 3, 16, 20)));   // factor 2
        assertEquals(new Shape(5, 3, 16, 20), two.inputShape(new Shape(5, 8, 10), 3));
        ResidualQuantizer rvq = ResidualQuantizer.builder()
                .addLevels(3, q -> VectorQuantizer.builder().setCodebookSize(8).setCodeDimension(4).optSeed(q).build())
                .build();
        VqganTokenizer residual = VqganTokenizer.of(small(), rvq);
        assertEquals(new Shape(2, 3, 8, 8), residual.tokenShape(new Shape(2, 1, 32, 32)));   // the level axis after B
        assertEquals(new Shape(2, 1, 32, 32), residual.inputShape(new Shape(2, 3, 8, 8), 1));
        assertEquals(new Shape(2, 1, 32, 32), residual.inputShape(new Shape(2, 1, 8, 8), 1)); // the first level alone
    }

    @Test
    void shapesTheFactorDoesNotDivideAreExplained() {
        VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
        IllegalArgumentException height = assertThrows(IllegalArgumentException.class,
                () -> t.tokenShape(new Shape(2, 1, 30, 32)));
        assertTrue(height.getMessage().contains("multiples of 4") && height.getMessage().contains("H 30")
                && height.getMessage().contains("crop to 28 or pad to 32"), height.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> t.tokenShape(new Shape(2, 1, 32, 3)));
        assertTrue(width.getMessage().contains("W 3") && width.getMessage().contains("pad to 4"), width.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> t.tokenShape(new Shape(1, 32, 32)));
        assertTrue(rank.getMessage().contains("(B, C, H, W)") && rank.getMessage().contains("(1, 32, 32)"),
                rank.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> t.tokenShape(new Shape(1, 3, 32, 32)));
        assertTrue(channels.getMessage().contains("1 channel"), channels.getMessage());
        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                () -> t.inputShape(new Shape(2, 3, 8, 8), 1));
        assertTrue(grid.getMessage().contains("B, h, w") && grid.getMessage().contains("(2, 3, 8, 8)"), grid.getMessage());
        IllegalArgumentException drawn = assertThrows(IllegalArgumentException.class,
                () -> t.inputShape(new Shape(2, 8, 8), 3));
        assertTrue(drawn.getMessage().contains("channels = 3") && drawn.getMessage().contains("pass 1"),
                drawn.getMessage());
    }

    @Test
    void decodeOnANewThreadRecordsNoGraphAndLeavesTheThreadAsItWas() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            assertTrue(t.lastLayerWeight().hasGradient(), "parameters require gradients");
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
            FreshThread.run(() -> {
                assertTrue(Autograd.isRecording(images), "a new thread starts with the engine recording");
                // a plain forward on this thread records: the check below would fail without the pause
                assertTrue(RecordedGraph.of(t.forward(new ParameterStore(m, false), images, false).reconstruction()));
                NDArray ids = t.encode(images);
                assertFalse(RecordedGraph.of(t.decode(ids)), "decode must not record a graph");
                assertFalse(RecordedGraph.of(t.decode(ids, 1)), "batched decode must not record a graph");
                assertTrue(Autograd.isRecording(images), "decode gives the thread its grad mode back");
            });
        }
    }

    @Test
    void encodeAndDecodeKeepOnlyTheirResults() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganTokenizer t = VqganTokenizer.of(small(), LookupFreeQuantizer.builder().setCodeDimension(6).build());
            t.initialize(m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            try (NDManager data = m.newSubManager()) {
                NDArray images = data.randomUniform(-1, 1, new Shape(2, 1, 32, 32));
                NDArray ids = t.encode(images);
                assertEquals(2, data.getManagedArrays().size(), "images and ids only");
                t.decode(ids);
                assertEquals(3, data.getManagedArrays().size(), "images, ids and pixels only");
            }
        }
    }
}
