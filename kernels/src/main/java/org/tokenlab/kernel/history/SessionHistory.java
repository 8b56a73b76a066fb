package org.tokenlab.kernel.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The inputs (and plain-text outputs) of this kernel session, for the Jupyter history request:
 * tail, range and glob search ({@code *} and {@code ?}, matched against the whole input).
 */
public final class SessionHistory implements HistoryManager {

    /** This process is session 1; earlier sessions are not kept. */
    public static final int SESSION = 1;

    private final List<Cell> cells = new ArrayList<>();

    private record Cell(int number, String input, String output) {}

    /** Records cell {@code number}; {@code output} is its result's text, or null when it had none. */
    public synchronized void record(int number, String input, String output) {
        cells.add(new Cell(number, input, output));
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        int from = Math.max(0, cells.size() - Math.max(0, length));
        return entries(cells.subList(from, cells.size()), flags);
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.number >= start && (stop <= 0 || c.number < stop)) {
                out.add(c);
            }
        }
        return entries(out, flags);
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern glob = glob(pattern == null || pattern.isEmpty() ? "*" : pattern);
        List<Cell> matches = new ArrayList<>();
        for (Cell c : cells) {
            if (glob.matcher(c.input).matches()) {
                matches.add(c);
            }
        }
        if (flags.contains(ResultFlag.UNIQUE)) {
            Map<String, Cell> latest = new LinkedHashMap<>();
            for (Cell c : matches) {
                latest.remove(c.input);
                latest.put(c.input, c);
            }
            matches = new ArrayList<>(latest.values());
        }
        if (length > 0 && matches.size() > length) {
            matches = matches.subList(matches.size() - length, matches.size());
        }
        return entries(matches, flags);
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static List<HistoryEntry> entries(List<Cell> cells, Set<ResultFlag> flags) {
        boolean output = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        List<HistoryEntry> out = new ArrayList<>(cells.size());
        for (Cell c : cells) {
            out.add(new HistoryEntry(SESSION, c.number, c.input, output ? (c.output == null ? "" : c.output) : null));
        }
        return out;
    }
}
