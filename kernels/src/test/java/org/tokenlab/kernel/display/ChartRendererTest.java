package org.tokenlab.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.tokenlab.viz.TableCharts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class ChartRendererTest {

    private Renderer renderer;

    @BeforeEach
    void register() {
        renderer = new Renderer();
        ChartRenderer.register(renderer);
    }

    private static BufferedImage png(DisplayData data) throws IOException {
        String base64 = (String) data.getData(MIMEType.IMAGE_PNG);
        assertNotNull(base64, "no image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        assertNotNull(image, "image/png does not decode");
        return image;
    }

    @Test
    void tableChartRendersToAPngOfTheDefaultSize() throws IOException {
        Table log = Table.create("training", IntColumn.create("step", 1, 2, 3),
                DoubleColumn.create("loss", 2.0, 1.5, 1.2));
        XYChart chart = TableCharts.line(log, "step", "loss");

        DisplayData data = renderer.render(chart);

        BufferedImage png = png(data);
        assertEquals(640, png.getWidth());
        assertEquals(360, png.getHeight());
        assertEquals("XYChart 'training' (640x360)", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void anyXChartKeepsItsOwnSize() throws IOException {
        XYChart chart = new XYChartBuilder().width(300).height(200).title("small").build();
        chart.addSeries("y", new double[] {0, 1, 2}, new double[] {1, 4, 9});

        BufferedImage png = png(renderer.render(chart));

        assertEquals(300, png.getWidth());
        assertEquals(200, png.getHeight());
    }
}
