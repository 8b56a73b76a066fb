package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tokenlab.mask.MaskSchedule;

class MaskGitSamplerTest {

    static final int K = 5;
    static final int MASK = K;

    /** A fake model: logit {@code strength} for code {@code position % K}, 0 for the others, whatever the input. */
    static Function<NDArray, NDArray> prefersPositionModK(float strength) {
        return ids -> {
            int b = (int) ids.getShape().get(0);
            int l = (int) ids.getShape().get(1);
            float[] logits = new float[b * l * K];
            for (int row = 0; row < b; row++) {
                for (int i = 0; i < l; i++) {
                    logits[(row * l + i) * K + i % K] = strength;
                }
            }
            return ids.getManager().create(logits, new Shape(b, l, K));
        };
    }

    /** A fake model with the same logits {@code row (K)} at every position. */
    static Function<NDArray, NDArray> constant(float... row) {
        return ids -> {
            long b = ids.getShape().get(0);
            long l = ids.getShape().get(1);
            return ids.getManager().create(row).reshape(1, 1, K).repeat(0, b).repeat(1, l);
        };
    }

    static MaskGitSampler.Builder sampler() {
        return MaskGitSampler.builder().setMaskId(MASK);
    }

    @Test
    void aConfidentModelDecodesWhatItPredictsAndKeepsGivenTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.zeros(new Shape(2, 24), DataType.INT64);
            ids.set(new ai.djl.ndarray.index.NDIndex(":, 0:3"), 4);   // given: code 4 at positions 0, 1, 2
            NDArray known = m.arange(24).lt(3).reshape(1, 24).repeat(0, 2);
            MaskGitResult result = sampler().optSeed(1).build().decode(prefersPositionModK(30f), ids, known);
            long[] out = result.ids().toLongArray();
            int[] fixed = result.fixedAtStep().toIntArray();
            for (int i = 0; i < out.length; i++) {
                int position = i % 24;
                assertEquals(position < 3 ? 4 : position % K, out[i], "position " + position);
                assertEquals(position < 3, fixed[i] == 0, "position " + position + " fixed at " + fixed[i]);
                assertTrue(fixed[i] >= 0 && fixed[i] <= 12);
            }
            assertEquals(12, result.steps());
            assertEquals(DataType.INT64, result.ids().getDataType());
            assertArrayEquals(out, result.canvasAfter(12, MASK).toLongArray());
        }
    }

    @Test
    void tokensFixedPerStepFollowTheScheduleExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            int l = 64;
            int given = 7;
            NDArray known = m.arange(l).lt(given).reshape(1, l);
            for (MaskSchedule schedule : new MaskSchedule[] {MaskSchedule.COSINE, MaskSchedule.LINEAR}) {
                MaskGitResult result = sampler().optSchedule(schedule).optSteps(8).optSeed(3).build()
                        .decode(constant(0f, 0f, 0f, 0f, 0f), m.zeros(new Shape(1, l), DataType.INT64), known);
                int[] perStep = new int[9];
                for (int f : result.fixedAtStep().toIntArray()) {
                    perStep[f]++;
                }
                int[] expected = new int[9];
                expected[0] = given;
                int unknown = l - given;
                for (int s = 0; s < 8; s++) {
                    int keep = schedule.decodingMaskCount(s, 8, l - given, unknown);
                    expected[s + 1] = unknown - keep;
                    unknown = keep;
                }
                assertArrayEquals(expected, perStep, schedule.name());
                for (int s = 0; s <= 8; s++) { // the canvas after step s shows exactly the tokens fixed so far
                    long masks = result.canvasAfter(s, MASK).eq(MASK).sum().getLong();
                    int shown = 0;
                    for (int t = 0; t <= s; t++) {
                        shown += perStep[t];
                    }
                    assertEquals(l - shown, masks);
                }
            }
        }
    }

    @Test
    void theModelSeesMaskWhereUnknownAndTheGivenTokensElsewhere() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<long[]> inputs = new ArrayList<>();
            Function<NDArray, NDArray> model = prefersPositionModK(1f);
            Function<NDArray, NDArray> recording = ids -> {
                inputs.add(ids.toLongArray());
                return model.apply(ids);
            };
            NDArray ids = m.create(new long[] {3, 9, 9, 1, 9, 9, 9, 9, 9, 9}, new Shape(1, 10));
            NDArray known = m.create(new boolean[] {true, false, false, true, false, false, false, false, false, false}, new Shape(1, 10));
            MaskGitResult result = sampler().optSteps(4).build().decode(recording, ids, known);
            assertEquals(4, inputs.size());
            assertArrayEquals(new long[] {3, MASK, MASK, 1, MASK, MASK, MASK, MASK, MASK, MASK}, inputs.get(0));
            int[] fixed = result.fixedAtStep().toIntArray();
            for (int s = 1; s < 4; s++) { // before step s+1 the model sees the tokens fixed by step s, [MASK] elsewhere
                long[] seen = inputs.get(s);
                for (int i = 0; i < 10; i++) {
                    assertEquals(fixed[i] <= s, seen[i] != MASK, "step " + (s + 1) + " position " + i);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.zeros(new Shape(2, 32), DataType.INT64);
            NDArray known = m.zeros(new Shape(2, 32), DataType.BOOLEAN);
            Function<NDArray, NDArray> model = constant(0f, 0.5f, 1f, 0f, 0.2f);
            MaskGitResult a = sampler().optSeed(11).build().decode(model, ids, known);
            MaskGitResult b = sampler().optSeed(11).build().decode(model, ids, known);
            MaskGitResult c = sampler().optSeed(12).build().decode(model, ids, known);
            assertArrayEquals(a.ids().toLongArray(), b.ids().toLongArray());
            assertArrayEquals(a.fixedAtStep().toIntArray(), b.fixedAtStep().toIntArray());
            assertFalse(java.util.Arrays.equals(a.ids().toLongArray(), c.ids().toLongArray()));
        }
    }

    @Test
    void guidanceDecodesFromOnePlusGTimesConditionalMinusGTimesUnconditional() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.zeros(new Shape(1, 16), DataType.INT64);
            NDArray known = m.zeros(new Shape(1, 16), DataType.BOOLEAN);
            Function<NDArray, NDArray> conditional = constant(30f, 20f, 0f, 0f, 0f);
            Function<NDArray, NDArray> unconditional = constant(60f, 0f, 0f, 0f, 0f);
            // g = 1: 2 * (30, 20) - (60, 0) = (0, 40): code 1 everywhere; without guidance code 0
            long[] guided = sampler().optGuidance(1f).build().decode(conditional, unconditional, ids, known).ids().toLongArray();
            long[] plain = sampler().build().decode(conditional, ids, known).ids().toLongArray();
            for (int i = 0; i < 16; i++) {
                assertEquals(1, guided[i]);
                assertEquals(0, plain[i]);
            }
        }
    }

    @Test
    void fewerUnknownTokensThanStepsFinishEarly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray known = m.create(new boolean[] {true, false, true, false, true, true}, new Shape(1, 6));
            MaskGitResult result = sampler().build().decode(prefersPositionModK(30f), m.zeros(new Shape(1, 6), DataType.INT64), known);
            assertTrue(result.steps() <= 2, "two unknown tokens take at most two steps, took " + result.steps());
            assertArrayEquals(new long[] {0, 1, 0, 3, 0, 0}, result.ids().toLongArray());
        }
    }

    @Test
    void refusesBadSettingsAndInputsWithClearMessages() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler().optSteps(0).build());
            assertTrue(e.getMessage().contains("at least 1 decoding step, got optSteps(0)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> MaskGitSampler.builder().build());
            assertTrue(e.getMessage().contains("setMaskId"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sampler().optTemperature(0f).build());
            assertThrows(IllegalArgumentException.class, () -> sampler().optChoiceTemperature(-1).build());
            MaskGitSampler sampler = sampler().build();
            NDArray ids = m.zeros(new Shape(2, 8), DataType.INT64);
            e = assertThrows(IllegalArgumentException.class,
                    () -> sampler.decode(prefersPositionModK(1f), ids, m.zeros(new Shape(2, 7), DataType.BOOLEAN)));
            assertTrue(e.getMessage().contains("same shape (B, L), got ids (2, 8) and known (2, 7)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> sampler.decode(prefersPositionModK(1f), ids, m.zeros(new Shape(2, 8), DataType.INT64)));
            assertTrue(e.getMessage().contains("known (B, L) as booleans"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> sampler.decode(x -> x.getManager().zeros(new Shape(2, 9, K)), ids, m.zeros(new Shape(2, 8), DataType.BOOLEAN)));
            assertTrue(e.getMessage().contains("logits (B, L, K) = (2, 8, K)"), e.getMessage());
            NDArray given = ids.add(K); // a "given" token that is no code
            e = assertThrows(IllegalArgumentException.class,
                    () -> sampler.decode(prefersPositionModK(1f), given, m.arange(8).lt(4).reshape(1, 8).repeat(0, 2)));
            assertTrue(e.getMessage().contains("a given token must be a code in [0, 5), got 5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> MaskGitSampler.builder().setMaskId(2).build().decode(prefersPositionModK(1f), ids, m.zeros(new Shape(2, 8), DataType.BOOLEAN)));
            assertTrue(e.getMessage().contains("maskId 2 is one of the model's 5 code ids"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> sampler().optGuidance(2f).build().decode(prefersPositionModK(1f), ids, m.zeros(new Shape(2, 8), DataType.BOOLEAN)));
            assertTrue(e.getMessage().contains("needs an unconditional model"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sampler.decode(prefersPositionModK(1f), prefersPositionModK(1f),
                    ids, m.zeros(new Shape(2, 8), DataType.BOOLEAN)));
        }
    }

    @Test
    void decodesWithAMaskedTokenTransformer() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            MaskedTokenTransformer model = MaskedTokenTransformer.builder().setCodebook(8).setGridShape(2, 2, 2).optClasses(3)
                    .optLayers(1).optHeads(2).optWidth(16).build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 9));
            NDArray ids = m.zeros(new Shape(2, 8), DataType.INT64).add(6);
            NDArray known = m.arange(8).lt(2).reshape(1, 8).repeat(0, 2);
            MaskGitSampler sampler = MaskGitSampler.builder().setMaskId(model.maskId()).optSteps(4).optGuidance(0.5f).build();
            MaskGitResult result = sampler.decode(model.conditionedOn(model.prefix(m, null, new int[] {0, 2})),
                    model.conditionedOn(model.prefix(m, null, new int[] {-1, -1})), ids, known);
            long[] out = result.ids().toLongArray();
            assertEquals(16, out.length);
            for (int i = 0; i < 16; i++) {
                assertTrue(out[i] >= 0 && out[i] < 8);
                if (i % 8 < 2) {
                    assertEquals(6, out[i]);
                }
            }
        }
    }
}
