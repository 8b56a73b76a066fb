package org.tokenlab.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tokenlab.kernel.execution.CellResult;

/**
 * Splits a cell into Java code and magics and runs them in order.
 *
 * <p>A line that starts with {@code %name} is a line magic, wherever it is in the cell; a cell
 * whose first line starts with {@code %%name} belongs to that cell magic. Java code between magic
 * lines keeps its line numbers, so compile errors point at the right line of the cell.
 */
public final class Magics {

    private static final Pattern LINE_MAGIC = Pattern.compile("^[ \\t]*%([A-Za-z_][\\w-]*)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%([A-Za-z_][\\w-]*)([^\\n]*)(?:\\n|$)");

    private final Map<String, LineMagic> lineMagics = new TreeMap<>();
    private final Map<String, CellMagic> cellMagics = new TreeMap<>();

    public Magics lineMagic(String name, LineMagic magic) {
        lineMagics.put(name, magic);
        return this;
    }

    public Magics cellMagic(String name, CellMagic magic) {
        cellMagics.put(name, magic);
        return this;
    }

    /** True when {@code code} contains a magic line or is a cell magic. */
    public static boolean hasMagic(String code) {
        return CELL_MAGIC.matcher(code).lookingAt() || code.lines().anyMatch(l -> LINE_MAGIC.matcher(l).matches());
    }

    /**
     * The Java that the cell holds, for analysis (completion, is-complete): magic lines become
     * spaces, so offsets into the cell stay valid; a cell magic's cell has no Java.
     */
    public static String javaOnly(String code) {
        if (CELL_MAGIC.matcher(code).lookingAt()) {
            return " ".repeat(code.length());
        }
        StringBuilder sb = new StringBuilder(code.length());
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(LINE_MAGIC.matcher(lines[i]).matches() ? " ".repeat(lines[i].length()) : lines[i]);
        }
        return sb.toString();
    }

    /** The names a {@code %} at the start of a line can complete to, with their percent signs. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        lineMagics.keySet().forEach(n -> out.add("%" + n));
        cellMagics.keySet().forEach(n -> out.add("%%" + n));
        return out;
    }

    /** Runs {@code code}, handing Java parts to {@code java}; the value of the last part is returned. */
    public CellResult run(String code, JavaCode java) throws Exception {
        Matcher cell = CELL_MAGIC.matcher(code);
        if (cell.lookingAt()) {
            CellMagic magic = cellMagics.get(cell.group(1));
            if (magic == null) {
                throw unknown("%%" + cell.group(1));
            }
            return magic.run(cell.group(2).strip(), code.substring(cell.end()));
        }
        String[] lines = code.split("\n", -1);
        CellResult result = CellResult.NONE;
        StringBuilder javaPart = new StringBuilder();
        boolean pendingJava = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = LINE_MAGIC.matcher(line);
            if (!m.matches()) {
                javaPart.append(line).append('\n');
                pendingJava |= !line.isBlank();
                continue;
            }
            if (pendingJava) {
                result = java.run(javaPart.toString());
            }
            // keep line numbers: later Java starts after as many blank lines as came before
            javaPart.setLength(0);
            javaPart.append("\n".repeat(i + 1));
            pendingJava = false;
            LineMagic magic = lineMagics.get(m.group(1));
            if (magic == null) {
                throw unknown("%" + m.group(1));
            }
            result = magic.run(m.group(2).strip());
        }
        if (pendingJava) {
            result = java.run(javaPart.toString());
        }
        return result;
    }

    private IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("Unknown magic " + name + ". Line magics: "
                + String.join(", ", lineMagics.keySet().stream().map(n -> "%" + n).toList())
                + "; cell magics: " + String.join(", ", cellMagics.keySet().stream().map(n -> "%%" + n).toList()));
    }
}
