package org.tokenlab.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.tokenlab.internal.AtomicFiles;
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
 * jshell> log.save(Path.of("build/checkpoints/02-vqgan/cpu/tokenizer-log.csv"))   // and TrainingLog.load(...)
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
            Checks.require(name.indexOf('\n') < 0 && name.indexOf('\r') < 0, "metric name \"%s\" holds a line break, "
                    + "which a saved log cannot keep; name it on one line", name.replace("\n", "\\n").replace("\r", "\\r"));
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

    /**
     * The step of the last row, 0 for an empty log. A notebook compares it with its step budget before
     * reusing a saved model, so a model trained for another budget is not taken for this one.
     */
    public synchronized int lastStep() {
        return table.rowCount() == 0 ? 0 : table.intColumn("step").getInt(table.rowCount() - 1);
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

    /**
     * Writes the log as CSV ({@code step} first, then one column per metric, missing values empty; a
     * metric name with a comma or a quote is quoted as RFC 4180 says, so it reads back whole) to
     * a temporary file renamed into place, so a notebook that reuses a saved model can chart how it
     * trained.
     */
    public synchronized void save(Path file) throws IOException {
        Checks.notNull(file, "file");
        StringBuilder out = new StringBuilder();
        for (String name : table.columnNames()) {
            out.append(out.length() == 0 ? "" : ",").append(csvField(name));
        }
        out.append('\n');
        for (int row = 0; row < table.rowCount(); row++) {
            out.append(table.intColumn("step").getInt(row));
            for (int i = 1; i < table.columnCount(); i++) {
                DoubleColumn c = (DoubleColumn) table.column(i);
                out.append(',');
                if (!c.isMissing(row)) {
                    out.append(c.getDouble(row));
                }
            }
            out.append('\n');
        }
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a log {@link #save} wrote; its name is the file's name without {@code .csv}. */
    public static TrainingLog load(Path file) throws IOException {
        Checks.notNull(file, "file");
        Checks.require(Files.isRegularFile(file), "no training log at %s; it is written by TrainingLog.save", file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Checks.require(!lines.isEmpty() && lines.get(0).startsWith("step"),
                "%s is not a training log: its first line should start with \"step\", got \"%s\"", file,
                lines.isEmpty() ? "" : lines.get(0));
        String[] names = csvFields(lines.get(0), file);
        TrainingLog log = new TrainingLog(file.getFileName().toString().replaceAll("\\.csv$", ""));
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isEmpty()) {
                continue;
            }
            String[] cells = lines.get(n).split(",", -1);
            Checks.require(cells.length == names.length, "%s line %d has %d values, the header names %d; a log "
                    + "saved before names with commas were quoted cannot be read: delete it (and the model saved with it) to "
                    + "train again", file, n + 1, cells.length, names.length);
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            for (int i = 1; i < names.length; i++) {
                metrics.put(names[i], cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]));
            }
            log.record(Integer.parseInt(cells[0]), metrics);
        }
        return log;
    }

    /** {@code name} as one CSV field: quoted, with quotes doubled, when it holds a comma or a quote. */
    private static String csvField(String name) {
        if (name.indexOf(',') < 0 && name.indexOf('"') < 0) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** The fields of a CSV header line written by {@link #csvField}. */
    private static String[] csvFields(String line, Path file) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        Checks.require(!quoted, "%s: the header's last quoted name is not closed: %s", file, line);
        out.add(field.toString());
        return out.toArray(new String[0]);
    }
}
