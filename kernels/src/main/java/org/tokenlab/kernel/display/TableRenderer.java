package org.tokenlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Shows a Tablesaw {@link Table} as an HTML table (the first and last rows of a long one) with its
 * plain-text print as the fallback.
 */
public final class TableRenderer {

    /** Tables longer than this show their first {@code HEAD} and last {@code TAIL} rows. */
    static final int MAX_ROWS = 40;
    static final int HEAD = 30;
    static final int TAIL = 5;

    private TableRenderer() {}

    public static void register(Renderer renderer) {
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register(TableRenderer::render);
    }

    static void render(Table table, RenderContext context) {
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> {
            String all = table.printAll();
            return all.length() < 20_000 ? all : table.print();
        });
        context.renderIfRequested(MIMEType.TEXT_HTML, () -> html(table));
    }

    static String html(Table table) {
        StringBuilder sb = new StringBuilder("<div>");
        if (table.name() != null && !table.name().isBlank()) {
            sb.append("<strong>").append(escape(table.name())).append("</strong>");
        }
        sb.append("<table class=\"dataframe\" border=\"1\"><thead><tr><th></th>");
        for (Column<?> c : table.columns()) {
            sb.append("<th>").append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        int rows = table.rowCount();
        boolean cut = rows > MAX_ROWS;
        for (int r = 0; r < rows; r++) {
            if (cut && r == HEAD) {
                sb.append("<tr><td>&hellip;</td><td colspan=\"").append(table.columnCount())
                        .append("\">").append(rows - HEAD - TAIL).append(" more rows</td></tr>");
                r = rows - TAIL;
            }
            sb.append("<tr><th>").append(r).append("</th>");
            for (Column<?> c : table.columns()) {
                sb.append("<td>").append(escape(c.getString(r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table><p>").append(rows).append(" rows &times; ").append(table.columnCount())
                .append(" columns</p></div>");
        return sb.toString();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
