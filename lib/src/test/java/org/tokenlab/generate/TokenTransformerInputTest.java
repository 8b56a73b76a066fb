package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tokenlab.nn.KvCache;

class TokenTransformerInputTest {

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
        }
    }

    @Test
    void idsOutsideTheVocabularyNameTheRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 3, 8);
            NDArray tooLarge = m.create(new long[] {0, 14}, new Shape(1, 2));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> model.logits(tooLarge)), "[0, 14)", "14");
            NDArray negative = m.create(new long[] {-1, 3}, new Shape(1, 2));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> model.logits(negative)), "[0, 14)", "-1");
        }
    }

    @Test
    void wrongRankTypeOrLengthFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 8);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> model.logits(m.create(new long[] {1, 2}))), "rank 2");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> model.logits(m.create(new float[] {1, 2}, new Shape(1, 2)))), "int64", "toType");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> model.logits(TinyModels.ids(m, 1, 1, 9, 11))), "at most 8", "9");
        }
    }

    @Test
    void aFullCacheOrAnotherBatchFails() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 0, 8);
            try (KvCache cache = model.newCache(m)) {
                model.logits(TinyModels.ids(m, 1, 2, 6, 11), cache);
                assertMessage(assertThrows(IllegalArgumentException.class,
                        () -> model.logits(TinyModels.ids(m, 2, 2, 3, 11), cache)), "at most 8", "after 6 cached");
                assertMessage(assertThrows(IllegalArgumentException.class,
                        () -> model.logits(TinyModels.ids(m, 2, 3, 1, 11), cache)), "batch of 2", "new cache");
            }
        }
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TokenTransformer.builder().setMaxLength(8).build()), "setVocabulary");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TokenTransformer.builder().setVocabulary(8).build()), "setMaxLength");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> TokenTransformer.builder().setVocabulary(8).setMaxLength(8).optWidth(10).optHeads(4).build()), "multiple");
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer unconditional = TinyModels.initialized(m, 11, 0, 8);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> unconditional.classPrefix(m, 0)), "optClasses");
            TokenTransformer conditional = TinyModels.initialized(m, 11, 2, 8);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> conditional.classPrefix(m, 2)), "[0, 2)");
        }
    }
}
