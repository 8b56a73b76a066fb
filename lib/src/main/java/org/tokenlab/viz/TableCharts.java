package org.tokenlab.viz;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tokenlab.internal.Checks;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Line and bar charts of numeric table columns (training logs, codebook statistics), drawn with XChart so
 * they render to PNG without a browser or a network.
 *
 * <pre>{@code
 * jshell> XYChart chart = TableCharts.line(log.table(), "step", "loss", "perplexity");
 * }</pre>
 */
public final class TableCharts {

    /** Default size in pixels, readable in a notebook cell. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    private TableCharts() {}

    /** One line per column in {@code yColumns} against {@code xColumn}; the title is the table's name. */
    public static XYChart line(Table table, String xColumn, String... yColumns) {
        Checks.notNull(table, "table");
        Checks.require(yColumns.length > 0, "line chart needs at least one y column; table '%s' has columns %s",
                table.name(), table.columnNames());
        double[] x = numeric(table, xColumn);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(table.name() == null ? "" : table.name()).xAxisTitle(xColumn)
                .yAxisTitle(yColumns.length == 1 ? yColumns[0] : "").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLegendVisible(yColumns.length > 1);
        for (String y : yColumns) {
            XYSeries series = chart.addSeries(y, x, numeric(table, y));
            series.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * Bars of the {@code valueColumns} for each row, labelled by {@code categoryColumn} (any column
     * type, shown as text); the title is the table's name.
     */
    public static CategoryChart bars(Table table, String categoryColumn, String... valueColumns) {
        Checks.notNull(table, "table");
        Checks.require(valueColumns.length > 0, "bar chart needs at least one value column; table '%s' has columns %s",
                table.name(), table.columnNames());
        Checks.require(table.containsColumn(categoryColumn), "table '%s' has no column '%s'; its columns are %s",
                table.name(), categoryColumn, table.columnNames());
        List<String> categories = new ArrayList<>();
        Column<?> labels = table.column(categoryColumn);
        for (int i = 0; i < labels.size(); i++) {
            categories.add(labels.getString(i));
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(table.name() == null ? "" : table.name()).xAxisTitle(categoryColumn)
                .yAxisTitle(valueColumns.length == 1 ? valueColumns[0] : "").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLegendVisible(valueColumns.length > 1);
        for (String y : valueColumns) {
            double[] values = numeric(table, y);
            List<Double> boxed = new ArrayList<>(values.length);
            for (double v : values) {
                boxed.add(v);
            }
            chart.addSeries(y, categories, boxed);
        }
        return chart;
    }

    private static double[] numeric(Table table, String name) {
        Checks.require(table.containsColumn(name), "table '%s' has no column '%s'; its columns are %s",
                table.name(), name, table.columnNames());
        Column<?> column = table.column(name);
        Checks.require(column instanceof NumericColumn, "column '%s' must be numeric to be charted, it is %s; "
                + "the columns of table '%s' are %s", name, column.type(), table.name(), table.columnNames());
        NumericColumn<?> numeric = (NumericColumn<?>) column;
        double[] out = new double[numeric.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = numeric.getDouble(i);
        }
        return out;
    }
}
