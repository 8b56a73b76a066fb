package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.FreshThread;
import org.tokenlab.internal.RecordedGraph;
import org.tokenlab.nn.KvCache;

class TokenTransformerTest {

    @Test
    void parameterNamesStayThoseSavedCheckpointsUse() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 2, 10);
            List<String> layer0 = List.of("02layer0_01attentionNorm_gamma", "02layer0_01attentionNorm_beta",
                    "02layer0_02attention_01queryKeyValue_weight", "02layer0_02attention_01queryKeyValue_bias",
                    "02layer0_02attention_02projection_weight", "02layer0_02attention_02projection_bias",
                    "02layer0_03mlpNorm_gamma", "02layer0_03mlpNorm_beta", "02layer0_04expand_weight", "02layer0_04expand_bias",
                    "02layer0_05contract_weight", "02layer0_05contract_bias");
            List<String> names = model.getParameters().keys();
            assertEquals(29, names.size());
            assertEquals(List.of("tokenEmbedding", "positionEmbedding"), names.subList(0, 2));
            assertEquals(layer0, names.subList(2, 14));
            assertEquals(layer0.stream().map(n -> n.replace("02layer0", "03layer1")).toList(), names.subList(14, 26));
            assertEquals(List.of("04finalNorm_gamma", "04finalNorm_beta", "05head_weight"), names.subList(26, 29));
        }
    }

    @Test
    void mapsIdsToImageTokenLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 3, 8);
            NDArray ids = TinyModels.ids(m, 1, 2, 6, 14);
            assertEquals(new Shape(2, 6, 11), model.logits(ids).getShape());
            assertEquals(new Shape(2, 6, 11), model.getOutputShapes(new Shape[] {new Shape(2, 6)})[0]);
        }
    }

    @Test
    void changingTokenJChangesNoLogitsBeforeJ() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 8);
            NDArray ids = TinyModels.ids(m, 2, 2, 8, 11);
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex(":, 5"), ids.get(":, 5").add(1).mod(11));
            NDArray before = model.logits(ids);
            NDArray after = model.logits(changed);
            float pastDifference = before.get(":, :5").sub(after.get(":, :5")).abs().max().getFloat();
            float laterDifference = before.get(":, 5:").sub(after.get(":, 5:")).abs().max().getFloat();
            assertEquals(0f, pastDifference, 1e-6f);
            assertTrue(laterDifference > 1e-4f, "position 5 onward must see the change, max difference " + laterDifference);
        }
    }

    @Test
    void incrementalLogitsWithTheCacheEqualTheFullForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 2, 10);
            NDArray ids = TinyModels.ids(m, 3, 3, 10, 11);
            ids.set(new NDIndex(":, 0"), 12); // a class token first
            NDArray full = model.logits(ids);  // (3, 10, 11)
            try (KvCache cache = model.newCache(m)) {
                NDList parts = new NDList(model.logits(ids.get(":, 0:4"), cache)); // a prefix of 4
                for (int t = 4; t < 7; t++) {
                    parts.add(model.logits(ids.get(new NDIndex(":, {}:{}", t, t + 1)), cache)); // one at a time
                }
                parts.add(model.logits(ids.get(":, 7:10"), cache)); // a chunk of 3
                assertEquals(10, cache.length());
                assertEquals(new Shape(3, 2, 10, 8), cache.keys(0).getShape()); // (B, heads, t, headDim)
                NDArray incremental = NDArrays.concat(parts, 1);
                float difference = full.sub(incremental).abs().max().getFloat();
                assertTrue(difference < 1e-4f, "cached and full logits differ by " + difference);
            }
        }
    }

    @Test
    void weightsStartLikeGpt2() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            TokenTransformer model = TokenTransformer.builder().setVocabulary(256).setMaxLength(64).optLayers(2).build();
            model.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 64));
            for (var pair : model.getParameters()) {
                Parameter p = pair.getValue();
                NDArray a = p.getArray();
                float std = a.sub(a.mean()).square().mean().sqrt().getFloat();
                String name = pair.getKey();
                if (p.getType() == Parameter.Type.WEIGHT) {
                    boolean residual = name.contains("projection") || name.contains("contract");
                    float expected = residual ? 0.01f : 0.02f; // 0.02 / sqrt(2 * 2 layers)
                    assertEquals(expected, std, expected * 0.1f, name);
                } else if (p.getType() == Parameter.Type.BIAS || p.getType() == Parameter.Type.BETA) {
                    assertEquals(0f, a.abs().max().getFloat(), name);
                }
            }
        }
    }

    @Test
    void logitsOnANewThreadRecordNoGraphAndLeaveTheThreadAsItWas() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 8);
            NDArray ids = TinyModels.ids(m, 5, 2, 8, 11);
            FreshThread.run(() -> {
                assertTrue(Autograd.isRecording(ids), "a new thread starts with the engine recording");
                // a plain forward on this thread records: the checks below would fail without the pause
                assertTrue(RecordedGraph.of(model.forward(new ParameterStore(m, false), ids, null, false)));
                assertFalse(RecordedGraph.of(model.logits(ids)), "logits must not record a graph");
                try (KvCache cache = model.newCache(m)) {
                    assertFalse(RecordedGraph.of(model.logits(ids.get(":, :4"), cache)));
                }
                assertTrue(Autograd.isRecording(ids), "logits gives the thread its grad mode back");
            });
        }
    }

    @Test
    void classPrefixPutsLabelsAfterTheImageTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 3, 8);
            NDArray prefix = model.classPrefix(m, 0, 2);
            assertEquals(new Shape(2, 1), prefix.getShape());
            assertArrayEquals(new long[] {11, 13}, prefix.toLongArray());
        }
    }

    @Test
    void forwardLeavesNothingBehindOnTheIdsManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 8);
            NDArray ids = TinyModels.ids(m, 4, 2, 8, 11);
            model.logits(ids).close();
            int before = m.getManagedArrays().size();
            try (KvCache cache = model.newCache(m)) {
                model.logits(ids.get(":, :4"), cache).close();
                model.logits(ids.get(":, 4:5"), cache).close();
            }
            model.logits(ids).close();
            assertEquals(before + 2, m.getManagedArrays().size()); // the two slices of ids
        }
    }

    @Test
    void attentionDropoutIsSetApartFromTheOtherDropouts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = TinyModels.ids(m, 4, 2, 8, 11);
            // only the attention weights dropped: training differs from evaluation; nothing dropped: they agree
            assertTrue(trainingDiffersFromEvaluation(m, ids, 0f, 0.5f), "attention dropout 0.5 must act in training");
            assertFalse(trainingDiffersFromEvaluation(m, ids, 0f, 0f), "no dropout at all");
            assertTrue(trainingDiffersFromEvaluation(m, ids, 0.5f, 0f), "the residual and embedding dropouts stay on");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenTransformer.builder()
                    .setVocabulary(11).setMaxLength(8).optAttentionDropout(1f).build());
            assertTrue(e.getMessage().contains("optAttentionDropout must be in [0, 1), got 1.0"), e.getMessage());
        }
    }

    private static boolean trainingDiffersFromEvaluation(NDManager m, NDArray ids, float dropout, float attentionDropout) {
        m.getEngine().setRandomSeed(3);
        TokenTransformer model = TokenTransformer.builder().setVocabulary(11).setMaxLength(8).optLayers(1).optHeads(2)
                .optWidth(16).optDropout(dropout).optAttentionDropout(attentionDropout).build();
        model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        ParameterStore ps = new ParameterStore(m, false);
        NDArray training = model.forward(ps, new NDList(ids), true).singletonOrThrow();
        NDArray evaluation = model.forward(ps, new NDList(ids), false).singletonOrThrow();
        return training.sub(evaluation).abs().max().getFloat() > 1e-6;
    }
}
