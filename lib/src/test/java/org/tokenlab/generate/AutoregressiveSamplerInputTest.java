package org.tokenlab.generate;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AutoregressiveSamplerInputTest {

    private static void fails(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
        }
    }

    @Test
    void badSettingsNameTheValueAndTheRange() {
        fails(() -> AutoregressiveSampler.builder().optTemperature(0f).build(), "> 0", "0.0");
        fails(() -> AutoregressiveSampler.builder().optTemperature(-1f).build(), "> 0", "-1.0");
        fails(() -> AutoregressiveSampler.builder().optTopP(0).build(), "(0, 1]", "0.0");
        fails(() -> AutoregressiveSampler.builder().optTopP(1.5).build(), "(0, 1]", "1.5");
        fails(() -> AutoregressiveSampler.builder().optTopK(0).build(), "at least 1", "0");
    }

    @Test
    void lengthsBeyondTheModelOrBadPrefixesFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenTransformer model = TinyModels.initialized(m, 11, 1, 8);
            AutoregressiveSampler sampler = AutoregressiveSampler.builder().build();
            var prefix = model.classPrefix(m, 0);
            sampler.sample(model, prefix, 8); // [class, t1..t7] fills the 8 positions; t8 is never fed
            fails(() -> sampler.sample(model, prefix, 9), "9 tokens", "at most 8", "at most 8 tokens");
            fails(() -> sampler.sample(model, prefix, 0), "at least 1", "0");
            fails(() -> sampler.sample(model, m.create(new long[] {1, 2}), 4), "rank 2");
            fails(() -> sampler.sample(model, m.create(new float[] {1}, new Shape(1, 1)), 4), "integer");
            fails(() -> sampler.sample(model, m.create(new long[] {20}, new Shape(1, 1)), 4), "[0, 12)", "20");
        }
    }
}
