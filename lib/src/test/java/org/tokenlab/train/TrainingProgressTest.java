package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {

    @Test
    void throttledToTheFirstAndLastStepWithinTheInterval() {
        List<String> lines = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress("run", 100, lines::add, 60_000);
        for (int step = 1; step <= 100; step++) {
            progress.update(step, Map.of("loss", 1.0 / step));
        }
        assertEquals(2, lines.size(), "one line at the start, one at the end: " + lines);
        assertTrue(lines.get(1).startsWith("run  step 100/100  done in "), lines.get(1));
        assertTrue(lines.get(1).endsWith("loss 0.01000"), lines.get(1));
        assertEquals(lines.get(1), progress.line());
    }

    @Test
    void everyStepWithoutInterval() {
        List<String> lines = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress("run", 3, lines::add, 0);
        for (int step = 1; step <= 3; step++) {
            progress.update(step, null);
        }
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("step 1/3") && lines.get(0).contains("steps/s") && lines.get(0).contains("eta"),
                lines.get(0));
    }

    @Test
    void lineHasRateEtaAndMetricsWithoutNaN() {
        TrainingProgress progress = new TrainingProgress("tokenizer", 700, l -> {}, 0);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("reconstruction", 0.123456);
        metrics.put("lambda", Double.NaN);
        String line = progress.format(100, metrics, 50_000_000_000L); // 100 steps in 50 s: 2 steps/s, 600 left
        assertEquals("tokenizer  step 100/700  2.00 steps/s  eta 5m00s  reconstruction 0.1235", line);
    }

    @Test
    void durationsAreShort() {
        assertEquals("42s", TrainingProgress.duration(42.3));
        assertEquals("2m05s", TrainingProgress.duration(125));
        assertEquals("1h01m", TrainingProgress.duration(3_700));
    }

    @Test
    void stepsOutsideTheRunAreRejected() {
        TrainingProgress progress = TrainingProgress.to("run", 10, l -> {});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> progress.update(11, Map.of()));
        assertEquals("step must be in [1, 10], got 11", e.getMessage());
    }
}
