package org.tokenlab.train;

import java.util.Map;
import org.knowm.xchart.XYChart;
import org.tokenlab.internal.Checks;
import org.tokenlab.viz.TableCharts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Training metrics as a Tablesaw table, one row per recorded step, one column per metric (added when
 * first seen; earlier rows get missing values). Chart any columns against the step.
 *
 * <pre>{@code
 * jshell> log.record(step, Map.of("loss", 0.31, "perplexity", 412.0));
 * jshell> log.chart("loss")
 * }</pre>
 */
public final class TrainingLog {

    private final Table table;

    public TrainingLog(String name) {
        table = Table.create(Checks.notNull(name, "name"), IntColumn.create("step"));
    }

    /** Adds one row; metric names become columns. NaN is recorded as a missing value. */
    public synchronized TrainingLog record(int step, Map<String, Double> metrics) {
        Checks.notNull(metrics, "metrics");
        int row = table.rowCount();
        for (String name : metrics.keySet()) {
            Checks.require(!name.equals("step"), "'step' is the log's own column; rename the metric");
            if (!table.containsColumn(name)) {
                DoubleColumn c = DoubleColumn.create(name);
                for (int i = 0; i < row; i++) {
                    c.appendMissing();
                }
                table.addColumns(c);
            }
        }
        table.intColumn("step").append(step);
        for (int i = 1; i < table.columnCount(); i++) {
            DoubleColumn c = (DoubleColumn) table.column(i);
            Double v = metrics.get(c.name());
            if (v == null || v.isNaN()) {
                c.appendMissing();
            } else {
                c.append(v);
            }
        }
        return this;
    }

    /** The log itself (live: later records appear in it). */
    public Table table() {
        return table;
    }

    /** The last recorded value of {@code metric}, NaN if none. */
    public synchronized double last(String metric) {
        requireMetric(metric);
        return table.rowCount() == 0 ? Double.NaN : table.doubleColumn(metric).getDouble(table.rowCount() - 1);
    }

    /**
     * A line chart of the given metrics against the step, over the steps where all of them were
     * recorded (a metric that starts late, such as a discriminator loss, does not hide the others).
     */
    public synchronized XYChart chart(String... metrics) {
        for (String metric : metrics) {
            requireMetric(metric);
        }
        String[] columns = new String[metrics.length + 1];
        columns[0] = "step";
        System.arraycopy(metrics, 0, columns, 1, metrics.length);
        Table selected = table.selectColumns(columns).dropRowsWithMissingValues();
        selected.setName(table.name());
        return TableCharts.line(selected, "step", metrics);
    }

    private void requireMetric(String metric) {
        Checks.require(table.containsColumn(metric), "log '%s' has no metric '%s'; it has %s", table.name(), metric,
                table.columnNames());
    }
}
