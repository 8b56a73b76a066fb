package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableChartsTest {

    private static Table log() {
        return Table.create("training",
                IntColumn.create("step", 1, 2, 3),
                DoubleColumn.create("loss", 0.9, 0.5, 0.25),
                DoubleColumn.create("perplexity", 12.0, 8.0, 6.5),
                StringColumn.create("note", "warmup", "", "done"));
    }

    @Test
    void lineWithOneYColumnHasOneSeriesNamedAfterIt() {
        XYChart chart = TableCharts.line(log(), "step", "loss");
        assertEquals(List.of("loss"), new ArrayList<>(chart.getSeriesMap().keySet()));
    }

    @Test
    void seriesXDataIsTheXColumn() {
        XYChart chart = TableCharts.line(log(), "step", "loss");
        assertArrayEquals(new double[] {1, 2, 3}, chart.getSeriesMap().get("loss").getXData());
    }

    @Test
    void seriesYDataIsTheYColumn() {
        XYChart chart = TableCharts.line(log(), "step", "loss");
        assertArrayEquals(new double[] {0.9, 0.5, 0.25}, chart.getSeriesMap().get("loss").getYData());
    }

    @Test
    void twoYColumnsGiveTwoSeriesInOrder() {
        XYChart chart = TableCharts.line(log(), "step", "loss", "perplexity");
        assertEquals(List.of("loss", "perplexity"), new ArrayList<>(chart.getSeriesMap().keySet()));
    }

    @Test
    void titleIsTheTableName() {
        assertEquals("training", TableCharts.line(log(), "step", "loss").getTitle());
    }

    @Test
    void xAxisTitleIsTheXColumn() {
        assertEquals("step", TableCharts.line(log(), "step", "loss").getXAxisTitle());
    }

    @Test
    void yAxisTitleIsTheOnlyYColumn() {
        assertEquals("loss", TableCharts.line(log(), "step", "loss").getYAxisTitle());
    }

    @Test
    void legendIsHiddenForOneSeries() {
        assertFalse(TableCharts.line(log(), "step", "loss").getStyler().isLegendVisible());
    }

    @Test
    void legendIsShownForTwoSeries() {
        assertTrue(TableCharts.line(log(), "step", "loss", "perplexity").getStyler().isLegendVisible());
    }

    @Test
    void chartHasTheDefaultSize() {
        XYChart chart = TableCharts.line(log(), "step", "loss");
        assertEquals("640x360", chart.getWidth() + "x" + chart.getHeight());
    }

    @Test
    void unknownYColumnIsRejectedNamingItAndListingTheColumns() {
        Table table = log();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableCharts.line(table, "step", "lr"));
        assertEquals("table 'training' has no column 'lr'; its columns are [step, loss, perplexity, note]",
                e.getMessage());
    }

    @Test
    void unknownXColumnIsRejectedNamingIt() {
        Table table = log();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableCharts.line(table, "epoch", "loss"));
        assertTrue(e.getMessage().contains("'epoch'"), e.getMessage());
    }

    @Test
    void nonNumericColumnIsRejectedNamingItAndItsType() {
        Table table = log();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableCharts.line(table, "step", "note"));
        assertTrue(e.getMessage().startsWith("column 'note' must be numeric to be charted, it is STRING"), e.getMessage());
        assertTrue(e.getMessage().contains("[step, loss"), e.getMessage());
    }

    @Test
    void noYColumnsIsRejectedListingTheColumns() {
        Table table = log();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableCharts.line(table, "step"));
        assertTrue(e.getMessage().contains("[step, loss, perplexity, note]"), e.getMessage());
    }

    @Test
    void nullTableIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TableCharts.line(null, "step", "loss"));
    }

    @Test
    void barsHaveOneSeriesPerValueColumnLabelledByTheCategoryColumn() {
        Table t = Table.create("accuracy", IntColumn.create("digit", new int[] {0, 1, 2}),
                DoubleColumn.create("accuracy", new double[] {0.9, 1.0, 0.5}));
        org.knowm.xchart.CategoryChart chart = TableCharts.bars(t, "digit", "accuracy");
        assertEquals(1, chart.getSeriesMap().size());
        assertEquals("[0, 1, 2]", chart.getSeriesMap().get("accuracy").getXData().toString());
        assertEquals("[0.9, 1.0, 0.5]", chart.getSeriesMap().get("accuracy").getYData().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableCharts.bars(t, "class", "accuracy"));
        assertTrue(e.getMessage().contains("no column 'class'"), e.getMessage());
    }
}
