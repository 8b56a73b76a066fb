package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class TrainingLogTest {

    @Test
    void metricsBecomeColumnsAndLateOnesArePaddedWithMissingValues() {
        TrainingLog log = new TrainingLog("run");
        log.record(10, Map.of("loss", 1.0));
        log.record(20, Map.of("loss", 0.5, "usage", 0.75));
        Table t = log.table();
        assertEquals(2, t.rowCount());
        assertEquals("[step, loss, usage]", t.columnNames().toString());
        assertTrue(t.doubleColumn("usage").isMissing(0));
        assertEquals(0.75, log.last("usage"));
        assertEquals(0.5, log.last("loss"));
    }

    @Test
    void nanIsMissingAndUnknownMetricsAreExplained() {
        TrainingLog log = new TrainingLog("run").record(1, Map.of("loss", Double.NaN));
        assertTrue(log.table().doubleColumn("loss").isMissing(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.last("psnr"));
        assertTrue(e.getMessage().contains("[step, loss]"), e.getMessage());
    }

    @Test
    void chartHasOneSeriesPerMetric() {
        TrainingLog log = new TrainingLog("run").record(1, Map.of("a", 1.0, "b", 2.0)).record(2, Map.of("a", 3.0, "b", 4.0));
        assertEquals(2, log.chart("a", "b").getSeriesMap().size());
    }

    @Test
    void aMetricThatStartsLateDoesNotHideTheOthers() {
        TrainingLog log = new TrainingLog("run").record(1, Map.of("loss", 1.0, "gan", Double.NaN))
                .record(2, Map.of("loss", 0.5, "gan", 2.0));
        assertEquals(2, log.chart("loss").getSeriesMap().get("loss").getXData().length);
        assertEquals(1, log.chart("gan").getSeriesMap().get("gan").getXData().length);
        assertEquals("run", log.chart("loss").getTitle());
    }

    @Test
    void aSavedLogLoadsWithTheSameStepsValuesAndMissingCells(@TempDir Path dir) throws Exception {
        TrainingLog log = new TrainingLog("tokenizer-log");
        log.record(10, Map.of("loss", 1.25));
        log.record(20, Map.of("loss", 0.5, "lambda", 0.125));
        Path file = dir.resolve("tokenizer-log.csv");
        log.save(file);
        assertEquals("step,loss,lambda\n10,1.25,\n20,0.5,0.125\n", Files.readString(file));
        TrainingLog back = TrainingLog.load(file);
        assertEquals("tokenizer-log", back.table().name());
        assertEquals(log.table().columnNames(), back.table().columnNames());
        assertTrue(back.table().doubleColumn("lambda").isMissing(0));
        assertEquals(0.125, back.last("lambda"));
        assertEquals(20, back.table().intColumn("step").getInt(1));
        assertEquals(20, back.lastStep());
        assertEquals(0, new TrainingLog("empty").lastStep());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void metricNamesWithCommasAndQuotesAreQuotedAndReadBackWhole(@TempDir Path dir) throws Exception {
        TrainingLog log = new TrainingLog("joint");
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("L1, image steps", 1.5);
        metrics.put("say \"hi\"", 2.0);
        metrics.put("plain", 3.0);
        log.record(2, metrics);
        Path file = dir.resolve("joint.csv");
        log.save(file);
        assertEquals("step,\"L1, image steps\",\"say \"\"hi\"\"\",plain\n2,1.5,2.0,3.0\n", Files.readString(file));
        TrainingLog back = TrainingLog.load(file);
        assertEquals(log.table().columnNames(), back.table().columnNames());
        assertEquals(1.5, back.last("L1, image steps"));
        assertEquals(2.0, back.last("say \"hi\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> log.record(3, Map.of("two\nlines", 1.0)));
        assertTrue(e.getMessage().contains("line break"), e.getMessage());
    }

    @Test
    void loadingSomethingElseSaysWhatWasExpected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes.csv");
        Files.writeString(file, "a,b\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingLog.load(file));
        assertTrue(e.getMessage().contains("should start with \"step\""), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TrainingLog.load(dir.resolve("absent.csv")));
        assertTrue(missing.getMessage().contains("TrainingLog.save"), missing.getMessage());
    }
}
