package org.tokenlab.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What every cell can call without a prefix (the kernel imports these statically).
 *
 * <pre>{@code
 * String line = display("step 0");          // shows it now, returns its display id
 * for (int step = 1; step <= 100; step++) {
 *     updateDisplay(line, "step " + step);  // redraws that output in place
 * }
 * display(chart);                           // images, tables, tensors, charts: anything renderable
 * markdown("The classifier reads **%.0f%%** of held-out digits right.", 100 * accuracy);   // prose with numbers
 * }</pre>
 */
public final class Notebook {

    private Notebook() {}

    /** Shows {@code value} below the cell now, rendered as richly as possible; returns its display id. */
    public static String display(Object value) {
        DisplayData data = render(value);
        return show(data);
    }

    /** Shows {@code value} rendered as the given MIME types only (e.g. {@code "text/html"}). */
    public static String display(Object value, String... mimeTypes) {
        return show(render(value, mimeTypes));
    }

    /**
     * Shows Markdown prose below the cell, formatted like {@link String#format} with the root locale,
     * so the numbers a tutorial's text quotes come from variables instead of being typed in. The
     * plain-text form is the same text. Returns the display id.
     */
    public static String markdown(String format, Object... args) {
        if (format == null) {
            throw new IllegalArgumentException("markdown needs a format string, e.g. markdown(\"PSNR %.1f dB\", psnr), got null");
        }
        String text = String.format(java.util.Locale.ROOT, format, args);
        DisplayData data = new DisplayData(text);
        data.putMarkdown(text);
        return show(data);
    }

    /** Replaces the output shown under {@code displayId} (from {@link #display}) with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        if (displayId == null || displayId.isBlank()) {
            throw new IllegalArgumentException("updateDisplay needs the id that display(...) returned, got "
                    + (displayId == null ? "null" : "an empty string"));
        }
        kernel().getIO().display.updateDisplay(displayId, render(value));
    }

    /** The display bundle of {@code value}: every MIME type its renderer offers. */
    public static DisplayData render(Object value) {
        return value == null ? new DisplayData("null") : kernel().getRenderer().render(value);
    }

    /** The display bundle of {@code value} restricted to the given MIME types. */
    public static DisplayData render(Object value, String... mimeTypes) {
        return value == null ? new DisplayData("null") : kernel().getRenderer().renderAs(value, mimeTypes);
    }

    private static String show(DisplayData data) {
        String id = data.getDisplayId();
        if (id == null) {
            id = java.util.UUID.randomUUID().toString();
            data.setDisplayId(id);
        }
        kernel().display(data);
        return id;
    }

    private static BaseKernel kernel() {
        return BaseKernel.notebookKernel();
    }
}
