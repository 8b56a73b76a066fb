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
    void badValuesAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiscriminatorWarmup(-1, 1));
        assertTrue(e.getMessage().contains("startStep >= 0") && e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DiscriminatorWarmup(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DiscriminatorWarmup.none().weight(-3));
    }
}
