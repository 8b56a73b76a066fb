package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
    void theBuilderLogsEveryTenStepsByDefaultAndNamesTheLogAfterTheProgress() {
        List<Integer> seen = new ArrayList<>();
        TrainingLog log = TrainingLoop.builder().setManager(manager).setSteps(12)
                .setProgress(new TrainingProgress("short", 12, l -> {}, 0)).build()
                .run((step, scope) -> {
                    seen.add(step);
                    return Map.of("value", 1.0);
                });
        assertEquals(1, seen.get(0));
        assertEquals("short", log.table().name());
        assertEquals("[10, 12]", log.table().intColumn("step").asList().toString());
    }

    @Test
    void theBuilderExplainsAMissingOrBadSetting() {
        TrainingProgress five = new TrainingProgress("loop", 5, l -> {}, 0);
        IllegalArgumentException manager = assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.builder().setSteps(5).setProgress(five).build());
        assertTrue(manager.getMessage().contains("setManager"), manager.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.builder().setManager(this.manager).setProgress(five).build());
        assertTrue(steps.getMessage().contains("setSteps(n) with n >= 1, got 0"), steps.getMessage());
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.builder().setManager(this.manager).setSteps(5).setProgress(five).optFirstStep(0).build());
        assertTrue(first.getMessage().contains("optFirstStep must be at least 1, got 0"), first.getMessage());
        IllegalArgumentException every = assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.builder().setManager(this.manager).setSteps(5).setProgress(five).optLogEvery(-2).build());
        assertTrue(every.getMessage().contains("optLogEvery must be at least 1, got -2"), every.getMessage());
        IllegalArgumentException progress = assertThrows(IllegalArgumentException.class,
                () -> TrainingLoop.builder().setManager(this.manager).setSteps(5).build());
        assertTrue(progress.getMessage().contains("setProgress"), progress.getMessage());
    }

    @Test
    void progressMustCountTheSameSteps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingLoop.run(manager, 5, 1,
                TrainingProgress.to("loop", 6, l -> {}), (step, scope) -> Map.of()));
        assertTrue(e.getMessage().contains("counts 6 steps but the loop runs 5"), e.getMessage());
    }

    @Test
    void aSecondPhaseContinuesTheStepNumbersInTheSameLog() {
        TrainingLog log = TrainingLoop.builder().setManager(manager).setSteps(20).optLogEvery(10)
                .setProgress(new TrainingProgress("run", 20, l -> {}, 0)).build()
                .run((step, scope) -> Map.of("a", 1.0));
        List<Integer> seen = new ArrayList<>();
        TrainingLog same = TrainingLoop.builder()
                .setManager(manager)
                .optFirstStep(21)
                .setSteps(15)
                .optLogEvery(10)
                .setProgress(new TrainingProgress("phase 2", 15, l -> {}, 0))
                .optLog(log)
                .build()
                .run((step, scope) -> {
                    seen.add(step);
                    return Map.of("b", 2.0);
                });
        assertSame(log, same);
        assertEquals(21, seen.get(0));
        assertEquals(35, seen.get(seen.size() - 1));
        assertEquals("[10, 20, 30, 35]", log.table().intColumn("step").asList().toString());
        assertTrue(log.table().doubleColumn("b").isMissing(0));
    }
}
