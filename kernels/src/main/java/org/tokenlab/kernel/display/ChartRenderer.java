package org.tokenlab.kernel.display;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Shows an XChart chart as a static PNG: no script, no network, visible in any notebook viewer. */
public final class ChartRenderer {

    private ChartRenderer() {}

    public static void register(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .register(ChartRenderer::render);
    }

    @SuppressWarnings("rawtypes")
    static void render(Chart chart, RenderContext context) {
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> chart.getClass().getSimpleName() + " '" + chart.getTitle()
                + "' (" + chart.getWidth() + "x" + chart.getHeight() + ")");
        context.renderIfRequested(MIMEType.IMAGE_PNG, () -> {
            try {
                return Pictures.base64(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
