package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void logsEveryKStepsAndTheLastAndFreesEachStepsArrays() {
        List<NDArray> made = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        TrainingLog log = TrainingLoop.run(manager, 25, 10, new TrainingProgress("loop", 25, lines::add, 0),
                (step, scope) -> {
                    made.add(scope.ones(new ai.djl.ndarray.types.Shape(4)));
                    return Map.of("value", (double) step);
                });
        assertEquals("loop", log.table().name());
        assertEquals("[10, 20, 25]", log.table().intColumn("step").asList().toString());
        assertEquals(25.0, log.last("value"));
        assertEquals(25, lines.size());
        assertTrue(made.stream().allMatch(NDArray::isReleased), "every step's scope is closed after the step");
    }

    @Test
    void progressMustCountTheSameSteps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingLoop.run(manager, 5, 1,
                TrainingProgress.to("loop", 6, l -> {}), (step, scope) -> Map.of()));
        assertTrue(e.getMessage().contains("counts 6 steps but the loop runs 5"), e.getMessage());
    }

    @Test
    void aSecondPhaseContinuesTheStepNumbersInTheSameLog() {
        TrainingLog log = TrainingLoop.run(manager, 20, 10, new TrainingProgress("run", 20, l -> {}, 0),
                (step, scope) -> Map.of("a", 1.0));
        List<Integer> seen = new ArrayList<>();
        TrainingLoop.run(manager, 21, 15, 10, new TrainingProgress("phase 2", 15, l -> {}, 0), log, (step, scope) -> {
            seen.add(step);
            return Map.of("b", 2.0);
        });
        assertEquals(21, seen.get(0));
        assertEquals(35, seen.get(seen.size() - 1));
        assertEquals("[10, 20, 30, 35]", log.table().intColumn("step").asList().toString());
        assertTrue(log.table().doubleColumn("b").isMissing(0));
    }
}
