package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tokenlab.train.StepTrainer;

/** The token models with {@code optFactorization}: shapes, the loss, sampling and a short training run. */
class FactorizedTokenModelTest {

    private static final TokenFactorization NINE_NINE = TokenFactorization.of(9, 9);

    @Test
    void aGptOverEighteenBitCodesHasTwo512WayHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            TokenTransformer gpt = TokenTransformer.builder().optFactorization(NINE_NINE).setMaxLength(6).optClasses(2)
                    .optLayers(1).optHeads(2).optWidth(16).build();
            gpt.initialize(m, DataType.FLOAT32, new Shape(1, 6));
            assertEquals(1 << 18, gpt.vocabulary());
            NDArray ids = TinyModels.ids(m, 1, 2, 5, 1 << 18).concat(gpt.classPrefix(m, 0, 1), 1); // codes, then a class id
            NDArray logits = gpt.logits(ids);
            assertEquals(new Shape(2, 6, 1024), logits.getShape());
            List<NDArray> heads = NINE_NINE.partLogits(logits);
            assertEquals(new Shape(2, 6, 512), heads.get(0).getShape());
            assertEquals(new Shape(2, 6, 512), heads.get(1).getShape());
            assertEquals(new Shape(2, 6, 1024), gpt.getOutputShapes(new Shape[] {new Shape(2, 6)})[0]);
            // the parameters keep their names; tokenEmbedding holds 512 + 512 part rows and the 2 class rows
            assertEquals(new Shape(1024 + 2, 16), gpt.getParameters().get("tokenEmbedding").getArray().getShape());
            Shape head = gpt.getChildren().stream().filter(child -> child.getKey().endsWith("head")).findFirst().orElseThrow()
                    .getValue().getParameters().get("weight").getArray().getShape();
            assertEquals(new Shape(1024, 16), head);
        }
    }

    @Test
    void aMaskedTransformerOverEighteenBitCodesHasTwo512WayHeadsAndMaskRightAfterTheCodes() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            MaskedTokenTransformer model = MaskedTokenTransformer.builder().optFactorization(NINE_NINE).setGridLength(4)
                    .optClasses(3).optLayers(1).optHeads(2).optWidth(16).build();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 5));
            assertEquals(1 << 18, model.maskId());
            NDArray grid = m.create(new long[] {0, (1 << 18) - 1, 1 << 18, 777, 5, 1 << 18, 6, 7}, new Shape(2, 4)); // codes and [MASK]
            NDArray logits = model.conditionedOn(model.prefix(m, null, new int[] {1, -1})).apply(grid);
            assertEquals(new Shape(2, 4, 1024), logits.getShape());
            assertEquals(new Shape(1024 + 1 + 4, 16), model.getParameters().get("tokenEmbedding").getArray().getShape());
        }
    }

    @Test
    void aModelWithoutTheOptionKeepsItsShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer gpt = TinyModels.initialized(m, 8, 2, 4);
            assertTrue(gpt.factorization().isEmpty());
            assertEquals(8, gpt.logitsWidth());
            assertEquals(new Shape(10, 16), gpt.getParameters().get("tokenEmbedding").getArray().getShape());
        }
    }

    @Test
    void aVocabularyOtherThanTheFactorizedCodebookIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenTransformer.builder().setVocabulary(1000).optFactorization(NINE_NINE).setMaxLength(4).build());
        assertTrue(e.getMessage().contains("setVocabulary(1000)") && e.getMessage().contains("262144"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MaskedTokenTransformer.builder().setCodebook(512).optFactorization(NINE_NINE).setGridLength(4).build());
    }

    /** Logits (1, 2, 2 + 2) of a 1 + 1 bit factorization, and the targets 2 = (0, 1) and 3 = (1, 1). */
    private static final float[] LOGITS = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0f, 3f};
    private static final long[] TARGETS = {2, 3};

    /** {@code -log softmax(a, b)[pick]}. */
    private static double crossEntropy(float a, float b, int pick) {
        double logSum = Math.log(Math.exp(a) + Math.exp(b));
        return logSum - (pick == 0 ? a : b);
    }

    @Test
    void theLossIsTheSumOfThePartsCrossEntropies() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(1, 1);
            NDArray logits = m.create(LOGITS, new Shape(1, 2, 4));
            NDArray targets = m.create(TARGETS, new Shape(1, 2));
            // position 0: target 2 -> part 0 = 0 over (0.5, -1), part 1 = 1 over (2, 0.25)
            // position 1: target 3 -> part 0 = 1 over (-0.75, 1.5), part 1 = 1 over (0, 3)
            double first = crossEntropy(0.5f, -1f, 0) + crossEntropy(2f, 0.25f, 1);
            double second = crossEntropy(-0.75f, 1.5f, 1) + crossEntropy(0f, 3f, 1);
            double mean = (first + second) / 2;
            assertEquals(mean, CausalLoss.crossEntropy(logits, targets, 0, f).getFloat(), 1e-5);
            assertEquals(second, CausalLoss.crossEntropy(logits, targets, 1, f).getFloat(), 1e-5);
            assertEquals(mean, MaskedTokenLoss.builder().build().compute(logits, targets, m.ones(new Shape(1, 2)), f).getFloat(), 1e-5);
            NDArray onlyFirst = m.create(new float[] {1, 0}, new Shape(1, 2));
            assertEquals(first, MaskedTokenLoss.builder().build().compute(logits, targets, onlyFirst, f).getFloat(), 1e-5);
        }
    }

    @Test
    void theCausalLossSkipsAPrefixThatIsNoCode() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(1, 1);
            NDArray logits = m.create(LOGITS, new Shape(1, 2, 4));
            NDArray withClass = m.create(new long[] {9, 3}, new Shape(1, 2)); // 9 is a class id, not a 2-bit code
            assertThrows(IllegalArgumentException.class, () -> CausalLoss.crossEntropy(logits, withClass, 0, f));
            double second = crossEntropy(-0.75f, 1.5f, 1) + crossEntropy(0f, 3f, 1);
            assertEquals(second, CausalLoss.crossEntropy(logits, withClass, 1, f).getFloat(), 1e-5);
            IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                    () -> CausalLoss.crossEntropy(m.zeros(new Shape(1, 2, 16)), withClass, 1, f));
            assertTrue(wide.getMessage().contains("(..., 4)"), wide.getMessage());
        }
    }

    /** Logits (B, L, W) putting +20 on each part of {@code codes[l]} at position l, whatever the input. */
    private static Function<NDArray, NDArray> favouring(TokenFactorization f, long[] codes) {
        return ids -> {
            long b = ids.getShape().get(0);
            long l = ids.getShape().get(1);
            float[] values = new float[(int) (b * l * f.logitsWidth())];
            for (int row = 0; row < b; row++) {
                for (int i = 0; i < l; i++) {
                    long[] parts = f.split(codes[i % codes.length]);
                    for (int j = 0; j < f.parts(); j++) {
                        values[(int) ((row * l + i) * f.logitsWidth() + f.logitsOffset(j) + parts[j])] = 20f;
                    }
                }
            }
            return ids.getManager().create(values, new Shape(b, l, f.logitsWidth()));
        };
    }

    @Test
    void samplersDrawEachPartAndJoinThemIntoWholeCodes() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenFactorization f = TokenFactorization.of(3, 5);
            long[] codes = {255, 0, 37, 200};
            NDArray sampled = AutoregressiveSampler.builder().optSeed(1).build()
                    .sample(favouring(f, codes), f, m.create(new long[] {0, 0}, new Shape(2, 1)), 3);
            // the logits at position t predict the token at t + 1: codes[0], codes[1], codes[2]
            assertArrayEquals(new long[] {255, 0, 37, 255, 0, 37}, sampled.toLongArray());
            MaskGitSampler maskgit = MaskGitSampler.builder().setMaskId(256).optSteps(3).optFactorization(f).build();
            MaskGitResult result = maskgit.decode(favouring(f, codes), m.zeros(new Shape(1, 4), DataType.INT64),
                    m.zeros(new Shape(1, 4), DataType.BOOLEAN));
            assertArrayEquals(codes, result.ids().toLongArray());
        }
    }

    @Test
    void aFactorizedGptLearnsAndGreedySamplingReproducesItsSequences() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            TokenFactorization f = TokenFactorization.of(2, 4); // 64 codes as 4 + 16 logits
            TokenTransformer model = TokenTransformer.builder().optFactorization(f).setMaxLength(6).optClasses(2)
                    .optLayers(2).optHeads(2).optWidth(32).build();
            NDArray sequences = m.create(new long[] {64, 3, 17, 42, 63, 8, 5, 65, 60, 1, 33, 12, 48, 7}, new Shape(2, 7));
            NDArray inputs = CausalLoss.inputsOf(sequences);
            NDArray targets = CausalLoss.targetsOf(sequences);
            float first = Float.NaN;
            float loss = Float.NaN;
            try (StepTrainer trainer = new StepTrainer(model,
                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-2f)).build(), new Shape(2, 6))) {
                for (int step = 0; step < 300 && !(loss < 0.02f); step++) {
                    loss = trainer.step(new NDList(inputs), out -> CausalLoss.crossEntropy(out.singletonOrThrow(), targets, 0, f), out -> { });
                    first = step == 0 ? loss : first;
                }
                assertTrue(first > 3f, "an untrained model guesses about ln 64 = 4.2 nats, got " + first);
                assertTrue(loss < 0.05f, "loss after training " + loss + ", at the start " + first);
                assertEquals(loss, CausalLoss.evaluate(model, sequences, 0, 2), 0.05);
                NDArray sampled = AutoregressiveSampler.builder().optTopK(1).build().sample(model, model.classPrefix(m, 0, 1), 6);
                assertArrayEquals(targets.toLongArray(), sampled.toLongArray());
            }
        }
    }
}
