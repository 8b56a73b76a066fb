package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DiscriminatorWarmupTest {

    @Test
    void weightIsZeroBeforeTheStartThenTheFactor() {
        DiscriminatorWarmup warmup = new DiscriminatorWarmup(100, 0.8);
        assertEquals(0.0, warmup.weight(0));
        assertEquals(0.0, warmup.weight(99));
        assertFalse(warmup.active(99));
        assertEquals(0.8, warmup.weight(100));
        assertEquals(0.8, warmup.weight(1_000_000));
        assertTrue(warmup.active(100));
    }

    @Test
    void presets() {
        assertEquals(1.0, DiscriminatorWarmup.none().weight(0));
        assertEquals(0.0, DiscriminatorWarmup.startingAt(5).weight(4));
        assertEquals(1.0, DiscriminatorWarmup.startingAt(5).weight(5));
    }

    @Test
    void namedStepsReadLikeTheRecipe() {
        DiscriminatorWarmup gentle = DiscriminatorWarmup.startingAt(2000).withFactor(0.1).withRampSteps(100);
        assertEquals(new DiscriminatorWarmup(2000, 0.1, 100), gentle);
        assertEquals(0.0, gentle.weight(1999));
        assertEquals(0.05, gentle.weight(2049), 1e-12);   // 0.1 * 50 / 100
        assertEquals(0.1, gentle.weight(2099));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscriminatorWarmup.none().withFactor(-0.5));
        assertTrue(e.getMessage().contains("factor >= 0") && e.getMessage().contains("-0.5"), e.getMessage());
    }

    @Test
    void badValuesAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiscriminatorWarmup(-1, 1));
        assertTrue(e.getMessage().contains("startStep >= 0") && e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DiscriminatorWarmup(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DiscriminatorWarmup.none().weight(-3));
    }

    @Test
    void rampRisesLinearlyToTheFactor() {
        DiscriminatorWarmup warmup = new DiscriminatorWarmup(10, 0.5, 4);
        assertEquals(0.0, warmup.weight(9));
        assertEquals(0.125, warmup.weight(10));
        assertEquals(0.25, warmup.weight(11));
        assertEquals(0.375, warmup.weight(12));
        assertEquals(0.5, warmup.weight(13));
        assertEquals(0.5, warmup.weight(1000));
        assertEquals(true, warmup.active(10), "the discriminator trains from the first step of the ramp");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiscriminatorWarmup(0, 1, -1));
        assertEquals("DiscriminatorWarmup expects rampSteps >= 0, got -1; use 0 for no ramp", e.getMessage());
    }
}
