package org.tokenlab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingStateTest {

    @Test
    void childrenWriteUnderTheirPrefixAndReadBack() {
        TrainingState state = TrainingState.empty();
        TrainingState quantizer = state.child("generator").child("quantizer");
        quantizer.putLong("steps", 12).putDouble("weight", 0.25).putBoolean("pending", true);
        quantizer.putDoubles("usage", new double[] {1, 2});
        assertEquals(12, state.getLong("generator.quantizer.steps"));
        assertEquals(0.25, quantizer.getDouble("weight"));
        assertTrue(quantizer.getBoolean("pending"));
        assertArrayEquals(new double[] {1, 2}, quantizer.getDoubles("usage"));
        assertEquals(List.of("pending", "steps", "usage", "weight"), quantizer.names());
    }

    @Test
    void aMissingOrMistypedEntryIsNamed() {
        TrainingState state = TrainingState.empty();
        state.child("lfq").putLong("trainingStep", 3);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> state.child("lfq").getLong("steps"));
        assertTrue(missing.getMessage().contains("no entry 'lfq.steps'") && missing.getMessage().contains("trainingStep"),
                missing.getMessage());
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
                () -> state.getDouble("lfq.trainingStep"));
        assertTrue(mistyped.getMessage().contains("holds a Long, expected a Double"), mistyped.getMessage());
        assertThrows(IllegalArgumentException.class, () -> state.putLong("a=b", 1));
        assertThrows(IllegalArgumentException.class, () -> state.putEntry("x", "text"));
    }
}
