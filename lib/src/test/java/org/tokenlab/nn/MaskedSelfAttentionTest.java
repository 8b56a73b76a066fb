package org.tokenlab.nn;

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
import ai.djl.training.ParameterStore;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class MaskedSelfAttentionTest {

    private static final int WIDTH = 8;
    private static final int HEADS = 2;
    private static final int T = 6;

    private static MaskedSelfAttention block(NDManager m) {
        m.getEngine().setRandomSeed(11);
        MaskedSelfAttention attention = new MaskedSelfAttention(WIDTH, HEADS, 0f, AttentionMask.CAUSAL);
        attention.initialize(m, DataType.FLOAT32, new Shape(2, T, WIDTH));
        return attention;
    }

    private static NDArray input(NDManager m) {
        m.getEngine().setRandomSeed(5);
        return m.randomNormal(new Shape(2, T, WIDTH));
    }

    private static NDArray run(MaskedSelfAttention attention, NDArray x, AttentionMask mask) {
        return attention.forward(new ParameterStore(x.getManager(), false), x, mask, null, 0, false);
    }

    /** softmax(q k^T / sqrt(d) + mask) v per head, with plain array operations and a mask from {@code sees}. */
    private static NDArray reference(MaskedSelfAttention attention, NDArray x, BiPredicate<Integer, Integer> sees) {
        NDManager m = x.getManager();
        NDArray w = TestParameters.named(attention, "queryKeyValue_weight").getArray();   // (3C, C)
        NDArray bias = TestParameters.named(attention, "queryKeyValue_bias").getArray();  // (3C,)
        NDArray pw = TestParameters.named(attention, "projection_weight").getArray();     // (C, C)
        NDArray pb = TestParameters.named(attention, "projection_bias").getArray();
        NDArray qkv = x.matMul(w.transpose()).add(bias);                                  // (B, T, 3C)
        float[] mask = new float[T * T];
        for (int i = 0; i < T; i++) {
            for (int j = 0; j < T; j++) {
                mask[i * T + j] = sees.test(i, j) ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        NDArray additive = m.create(mask, new Shape(T, T));
        int d = WIDTH / HEADS;
        NDList heads = new NDList();
        for (int h = 0; h < HEADS; h++) {
            NDArray q = qkv.get(new NDIndex(":, :, {}:{}", h * d, (h + 1) * d));
            NDArray k = qkv.get(new NDIndex(":, :, {}:{}", WIDTH + h * d, WIDTH + (h + 1) * d));
            NDArray v = qkv.get(new NDIndex(":, :, {}:{}", 2 * WIDTH + h * d, 2 * WIDTH + (h + 1) * d));
            NDArray scores = q.matMul(k.transpose(0, 2, 1)).div(Math.sqrt(d)).add(additive);
            heads.add(scores.softmax(-1).matMul(v));                                       // (B, T, d)
        }
        return NDArrays.concat(heads, 2).matMul(pw.transpose()).add(pb);
    }

    /** {@code (T, T)} boolean, true where {@code j <= i}: the causal mask written out by hand. */
    private static NDArray lowerTriangle(NDManager m) {
        boolean[] sees = new boolean[T * T];
        for (int i = 0; i < T; i++) {
            for (int j = 0; j <= i; j++) {
                sees[i * T + j] = true;
            }
        }
        return m.create(sees, new Shape(T, T));
    }

    private static float maxDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void eachNamedMaskMatchesTheHandWrittenAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedSelfAttention attention = block(m);
            NDArray x = input(m);
            assertEquals(0f, maxDifference(run(attention, x, AttentionMask.CAUSAL), reference(attention, x, (i, j) -> j <= i)), 1e-5f);
            assertEquals(0f, maxDifference(run(attention, x, AttentionMask.FULL), reference(attention, x, (i, j) -> true)), 1e-5f);
            assertEquals(0f, maxDifference(run(attention, x, AttentionMask.prefix(2)),
                    reference(attention, x, (i, j) -> j <= i || (i < 2 && j < 2))), 1e-5f);
        }
    }

    /** Whether output position {@code query} changes when input position {@code key} changes. */
    private static boolean sees(NDManager m, AttentionMask mask, int query, int key) {
        MaskedSelfAttention attention = block(m);
        NDArray x = input(m);
        NDArray changed = x.duplicate();
        changed.set(new NDIndex(":, {}", key), x.get(new NDIndex(":, {}", key)).add(1f));
        NDArray before = run(attention, x, mask).get(new NDIndex(":, {}", query));
        NDArray after = run(attention, changed, mask).get(new NDIndex(":, {}", query));
        return maxDifference(before, after) > 1e-6f;
    }

    @Test
    void fullLetsTheFirstPositionSeeTheLastAndCausalDoesNot() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(sees(m, AttentionMask.FULL, 0, T - 1));
            assertFalse(sees(m, AttentionMask.CAUSAL, 0, T - 1));
            assertTrue(sees(m, AttentionMask.CAUSAL, T - 1, 0));
        }
    }

    @Test
    void prefixOfTwoLetsZeroSeeOneButNotTwoAndThreeSeesZeroToThree() {
        try (NDManager m = NDManager.newBaseManager()) {
            AttentionMask prefix = AttentionMask.prefix(2);
            assertTrue(sees(m, prefix, 0, 1));
            assertFalse(sees(m, prefix, 0, 2));
            for (int key = 0; key <= 3; key++) {
                assertTrue(sees(m, prefix, 3, key), "3 must see " + key);
            }
            assertFalse(sees(m, prefix, 3, 4));
            assertTrue(prefix.allows(0, 1) && !prefix.allows(0, 2) && prefix.allows(3, 0) && prefix.allows(3, 3) && !prefix.allows(3, 4));
            assertTrue(AttentionMask.FULL.allows(0, T - 1) && !AttentionMask.CAUSAL.allows(0, T - 1));
        }
    }

    @Test
    void anExplicitMaskEqualToCausalGivesTheCausalResult() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedSelfAttention attention = block(m);
            NDArray x = input(m);
            NDArray causal = run(attention, x, AttentionMask.CAUSAL);
            NDArray lowerTriangle = lowerTriangle(m); // (T, T), true = may see
            assertEquals(0f, maxDifference(causal, run(attention, x, AttentionMask.explicit(lowerTriangle))));
            NDArray perSequence = lowerTriangle.expandDims(0).repeat(0, 2);                       // (B, T, T)
            assertEquals(0f, maxDifference(causal, run(attention, x, AttentionMask.explicit(perSequence))));
            NDArray additive = lowerTriangle.logicalNot().toType(DataType.FLOAT32, false).mul(-1e9f); // 0 or -1e9
            assertEquals(0f, maxDifference(causal, run(attention, x, AttentionMask.explicit(additive))), 1e-6f);
            assertEquals(DataType.BOOLEAN, lowerTriangle.getDataType(), "the caller's mask is left as it was");
        }
    }

    @Test
    void anExplicitMaskOfTheWrongShapeNamesExpectedAndGivenShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedSelfAttention attention = block(m);
            NDArray x = input(m);
            AttentionMask small = AttentionMask.explicit(m.ones(new Shape(3, 3)).toType(DataType.BOOLEAN, false));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(attention, x, small));
            assertTrue(e.getMessage().contains("(6, 6)") && e.getMessage().contains("(2, 6, 6)") && e.getMessage().contains("(3, 3)"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> AttentionMask.explicit(m.ones(new Shape(T))));
        }
    }

    @Test
    void aFullyMaskedRowIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidesRowTwo = lowerTriangle(m);
            hidesRowTwo.set(new NDIndex("2, :"), m.zeros(new Shape(T)).toType(DataType.BOOLEAN, false));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionMask.explicit(hidesRowTwo));
            assertTrue(e.getMessage().contains("only false"), e.getMessage());
            NDArray minusInfinity = m.zeros(new Shape(T, T));
            minusInfinity.set(new NDIndex("1, :"), Float.NEGATIVE_INFINITY);
            assertThrows(IllegalArgumentException.class, () -> AttentionMask.explicit(minusInfinity));
            assertThrows(IllegalArgumentException.class, () -> AttentionMask.prefix(-1));
        }
    }

    /** The block fed a first chunk and then one position at a time through the cache, concatenated. */
    private static NDArray incremental(MaskedSelfAttention attention, NDArray x, AttentionMask mask, int firstChunk) {
        NDManager m = x.getManager();
        try (KvCache cache = new KvCache(m, 1, T)) {
            ParameterStore ps = new ParameterStore(m, false);
            NDList parts = new NDList(attention.forward(ps, x.get(new NDIndex(":, :{}", firstChunk)), mask, cache, 0, false));
            cache.advance(firstChunk);
            for (int t = firstChunk; t < T; t++) {
                parts.add(attention.forward(ps, x.get(new NDIndex(":, {}:{}", t, t + 1)), mask, cache, 0, false));
                cache.advance(1);
            }
            assertEquals(new Shape(2, HEADS, T, WIDTH / HEADS), cache.keys(0).getShape());
            return NDArrays.concat(parts, 1);
        }
    }

    @Test
    void cachedIncrementalDecodingEqualsTheFullForwardForCausalAndPrefix() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedSelfAttention attention = block(m);
            NDArray x = input(m);
            assertEquals(0f, maxDifference(run(attention, x, AttentionMask.CAUSAL), incremental(attention, x, AttentionMask.CAUSAL, 1)), 1e-5f);
            assertEquals(0f, maxDifference(run(attention, x, AttentionMask.CAUSAL), incremental(attention, x, AttentionMask.CAUSAL, 3)), 1e-5f);
            AttentionMask prefix = AttentionMask.prefix(3); // the prefix is fed at once, then one position at a time
            assertEquals(0f, maxDifference(run(attention, x, prefix), incremental(attention, x, prefix, 3)), 1e-5f);
        }
    }

    @Test
    void theCacheRefusesMorePositionsThanItsCapacity() {
        try (NDManager m = NDManager.newBaseManager(); KvCache cache = new KvCache(m, 1, 4)) {
            MaskedSelfAttention attention = block(m);
            NDArray x = input(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> attention.forward(new ParameterStore(m, false), x, AttentionMask.CAUSAL, cache, 0, false));
            assertTrue(e.getMessage().contains("at most 4"), e.getMessage());
        }
    }
}
