package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.ResidualQuantizer;
import org.tokenlab.quantize.VectorQuantizer;

class VqganTokenizerTest {

    /** Narrow widths keep the test fast; the layout is the default's: 32x32 -> 8x8 tokens. */
    static VqganConfig small() {
        return new VqganConfig(1, 8, new int[] {1, 2, 2}, 1, true, 4, 16);
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
            NDList out = t.forward(new ParameterStore(m, false), new NDList(images), false);
            assertEquals(new Shape(2, 1, 32, 32), out.get(0).getShape());
            assertEquals(new Shape(2, 8, 8), out.get(1).getShape());
            assertEquals(new Shape(), out.get(2).getShape());
            float diff = out.get(0).sub(t.decode(out.get(1))).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "decode(ids) differs from the forward's reconstruction by " + diff);
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
            NDList out = t.forward(new ParameterStore(m, false), new NDList(images), false);
            assertTrue(out.get(1).contentEquals(ids));
            float diff = out.get(0).sub(t.decode(ids)).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "decode(ids) differs from the forward's reconstruction by " + diff);
            assertEquals(new Shape(2, 1, 32, 32), t.decode(ids.get(":, 0:1")).getShape()); // the first level alone
            NDList training = t.forward(new ParameterStore(m, false), new NDList(images), true); // dropout: -1 ids
            assertEquals(new Shape(2, 1, 32, 32), t.decode(training.get(1)).getShape());
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
                NDList out = t.forward(new ParameterStore(m, false), new NDList(images), true);
                gc.backward(out.get(0).sub(images).abs().mean().add(out.get(2)));
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VqganConfig(1, 6, new int[] {1, 2}, 1, false, 4, 16));
        assertTrue(e.getMessage().contains("groups = 4"), e.getMessage());
        assertEquals(VqganConfig.defaults(), VqganConfig.defaults());
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
