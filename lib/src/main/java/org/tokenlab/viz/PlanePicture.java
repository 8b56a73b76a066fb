package org.tokenlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;

/**
 * A picture of a 2-D plane for toy quantization problems: coloured regions (which code each point
 * of the plane maps to, e.g. VQ's Voronoi cells), data points, and code markers.
 *
 * <pre>{@code
 * jshell> var plane = new PlanePicture(-3, 3, -3, 3, 420);
 * jshell> long[] cells = vq.quantize(plane.gridPoints(manager)).indices().toLongArray();
 * jshell> plane.regions(cells).points(data).codes(vq.codebook()).title("VQ, 16 codes").image()
 * }</pre>
 */
public final class PlanePicture {

    private static final Color POINT = new Color(40, 40, 40, 90);
    private static final Color CODE = new Color(200, 20, 30);

    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;
    private final int size;
    private final BufferedImage image;
    private final Graphics2D g;

    /** An empty white plane over {@code [xMin, xMax] x [yMin, yMax]}, {@code size} pixels square. */
    public PlanePicture(double xMin, double xMax, double yMin, double yMax, int size) {
        Checks.require(xMax > xMin && yMax > yMin, "PlanePicture needs xMin < xMax and yMin < yMax, got [%s, %s] x [%s, %s]",
                xMin, xMax, yMin, yMax);
        Checks.require(size >= 16 && size <= 4096, "size must be in [16, 4096] pixels, got %d", size);
        this.xMin = xMin;
        this.xMax = xMax;
        this.yMin = yMin;
        this.yMax = yMax;
        this.size = size;
        this.image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
    }

    /**
     * The centre of every pixel in data coordinates, {@code (size * size, 2)}, row by row from the top:
     * quantize these and pass the ids to {@link #regions(long[])}.
     */
    public NDArray gridPoints(NDManager manager) {
        float[] xy = new float[size * size * 2];
        for (int row = 0; row < size; row++) {
            for (int col = 0; col < size; col++) {
                int i = 2 * (row * size + col);
                xy[i] = (float) (xMin + (col + 0.5) * (xMax - xMin) / size);
                xy[i + 1] = (float) (yMax - (row + 0.5) * (yMax - yMin) / size);
            }
        }
        return manager.create(xy, new ai.djl.ndarray.types.Shape(size * size, 2));
    }

    /** Colours each pixel by its code id (one id per pixel of {@link #gridPoints}), with cell borders. */
    public PlanePicture regions(long[] ids) {
        Checks.require(ids.length == size * size, "regions expects one id per pixel (%d), got %d; use gridPoints()",
                size * size, ids.length);
        int[] rgb = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int row = i / size;
            int col = i % size;
            boolean border = col + 1 < size && ids[i] != ids[i + 1] || row + 1 < size && ids[i] != ids[i + size];
            rgb[i] = border ? 0x808080 : pastel(ids[i]);
        }
        image.setRGB(0, 0, size, size, rgb, 0, size);
        return this;
    }

    /** Data points {@code (N, 2)} as small translucent dots. */
    public PlanePicture points(NDArray xy) {
        float[] v = xyValues(xy, "points");
        g.setColor(POINT);
        for (int i = 0; i < v.length; i += 2) {
            g.fillOval(px(v[i]) - 2, py(v[i + 1]) - 2, 4, 4);
        }
        return this;
    }

    /** Codes {@code (K, 2)} as red crosses. */
    public PlanePicture codes(NDArray xy) {
        float[] v = xyValues(xy, "codes");
        g.setColor(CODE);
        g.setStroke(new BasicStroke(2.5f));
        for (int i = 0; i < v.length; i += 2) {
            int x = px(v[i]);
            int y = py(v[i + 1]);
            g.drawLine(x - 6, y - 6, x + 6, y + 6);
            g.drawLine(x - 6, y + 6, x + 6, y - 6);
        }
        return this;
    }

    /** A caption in the top-left corner. */
    public PlanePicture title(String text) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, size / 30)));
        g.setColor(Color.BLACK);
        g.drawString(text, 8, 8 + g.getFontMetrics().getAscent());
        return this;
    }

    /** The picture so far. */
    public BufferedImage image() {
        return image;
    }

    private float[] xyValues(NDArray xy, String what) {
        Checks.notNull(xy, what);
        Checks.require(xy.getShape().dimension() == 2 && xy.getShape().get(1) == 2,
                "%s expects (N, 2) coordinates, got shape %s", what, Checks.describe(xy.getShape()));
        return HostValues.floats(xy);
    }

    private int px(double x) {
        return (int) Math.round((x - xMin) / (xMax - xMin) * size);
    }

    private int py(double y) {
        return (int) Math.round((yMax - y) / (yMax - yMin) * size);
    }

    /** A light colour per id, hues spread by the golden ratio so neighbours differ. */
    static int pastel(long id) {
        float hue = (float) ((id * 0.618033988749895) % 1.0);
        return Color.HSBtoRGB(hue, 0.28f, 0.97f) & 0xFFFFFF;
    }
}
