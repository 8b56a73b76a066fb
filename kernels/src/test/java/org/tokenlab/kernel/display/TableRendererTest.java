package org.tokenlab.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableRendererTest {

    private Renderer renderer;

    @BeforeEach
    void register() {
        renderer = new Renderer();
        TableRenderer.register(renderer);
    }

    private static Table numbers(int rows) {
        return Table.create("numbers", IntColumn.create("n", IntStream.range(0, rows).toArray()));
    }

    private String html(Table table) {
        return (String) renderer.render(table).getData(MIMEType.TEXT_HTML);
    }

    @Test
    void cellTextIsEscaped() {
        Table t = Table.create("t", StringColumn.create("tag", "<b>", "a & \"b\""));

        String html = html(t);

        assertTrue(html.contains("<td>&lt;b&gt;</td>"), html);
        assertTrue(html.contains("<td>a &amp; &quot;b&quot;</td>"), html);
        assertFalse(html.contains("<b>"), html);
    }

    @Test
    void tableAndColumnNamesAreEscaped() {
        Table t = Table.create("<i>log</i>", IntColumn.create("a<b", 1));

        String html = html(t);

        assertTrue(html.contains("<strong>&lt;i&gt;log&lt;/i&gt;</strong>"), html);
        assertTrue(html.contains("<th>a&lt;b</th>"), html);
        assertFalse(html.contains("<i>"), html);
    }

    @Test
    void smallTableShowsEveryRowWithItsIndexAndSize() {
        Table t = Table.create("t", StringColumn.create("s", "x", "y"), IntColumn.create("i", 7, 8));

        String html = html(t);

        assertTrue(html.contains("<thead><tr><th></th><th>s</th><th>i</th></tr></thead>"), html);
        assertTrue(html.contains("<tr><th>0</th><td>x</td><td>7</td></tr>"), html);
        assertTrue(html.contains("<tr><th>1</th><td>y</td><td>8</td></tr>"), html);
        assertTrue(html.contains("2 rows &times; 2 columns"), html);
        assertFalse(html.contains("more rows"), html);
    }

    @Test
    void longTableShowsHeadAndTailAndHowManyRowsAreLeftOut() {
        String html = html(numbers(100));

        // 100 - 30 shown first - 5 shown last
        assertTrue(html.contains("65 more rows"), html);
        assertTrue(html.contains("<tr><th>29</th><td>29</td></tr>"), html);
        assertFalse(html.contains("<tr><th>30</th>"), html);
        assertFalse(html.contains("<tr><th>94</th>"), html);
        assertTrue(html.contains("<tr><th>95</th><td>95</td></tr>"), html);
        assertTrue(html.contains("<tr><th>99</th><td>99</td></tr>"), html);
        assertTrue(html.contains("100 rows &times; 1 columns"), html);
        assertEquals(35, html.split("<tr><th>", -1).length - 1 - 1, "data rows shown (header row excluded)");
    }

    @Test
    void tableOfFortyRowsIsNotCut() {
        String html = html(numbers(40));

        assertFalse(html.contains("more rows"), html);
        assertTrue(html.contains("<tr><th>39</th><td>39</td></tr>"), html);
    }

    @Test
    void tableOfFortyOneRowsIsCut() {
        assertTrue(html(numbers(41)).contains("6 more rows"));
    }

    @Test
    void plainTextFallbackIsTheTablePrint() {
        Table t = Table.create("t", StringColumn.create("word", "hello"));

        DisplayData data = renderer.render(t);

        String text = (String) data.getData(MIMEType.TEXT_PLAIN);
        assertEquals(t.printAll(), text);
        assertTrue(text.contains("word") && text.contains("hello"), text);
    }
}
