package org.tokenlab.kernel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager.ResultFlag;
import org.junit.jupiter.api.Test;

class SessionHistoryTest {

    private static final Set<ResultFlag> NONE = EnumSet.noneOf(ResultFlag.class);

    private static SessionHistory history(String... inputs) {
        SessionHistory h = new SessionHistory();
        for (int i = 0; i < inputs.length; i++) {
            h.record(i + 1, inputs[i], null);
        }
        return h;
    }

    private static List<String> inputs(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::getInput).toList();
    }

    private static List<Integer> numbers(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::getCellNumber).toList();
    }

    @Test
    void tailReturnsTheLastNInOrder() {
        SessionHistory h = history("a", "b", "c", "d");

        List<HistoryEntry> tail = h.lookupTail(2, NONE);

        assertEquals(List.of("c", "d"), inputs(tail));
        assertEquals(List.of(3, 4), numbers(tail));
    }

    @Test
    void tailLongerThanTheHistoryReturnsEverything() {
        assertEquals(List.of("a", "b"), inputs(history("a", "b").lookupTail(10, NONE)));
    }

    @Test
    void tailOfZeroIsEmpty() {
        assertEquals(List.of(), history("a", "b").lookupTail(0, NONE));
    }

    @Test
    void entriesBelongToSessionOne() {
        HistoryEntry e = history("a").lookupTail(1, NONE).get(0);

        assertEquals(SessionHistory.SESSION, e.getSession());
        assertEquals(1, e.getSession());
    }

    @Test
    void rangeIsStartInclusiveStopExclusive() {
        SessionHistory h = history("a", "b", "c", "d", "e");

        assertEquals(List.of(2, 3, 4), numbers(h.lookupRange(SessionHistory.SESSION, 2, 5, NONE)));
    }

    @Test
    void rangeWithStopZeroRunsToTheEnd() {
        SessionHistory h = history("a", "b", "c", "d");

        assertEquals(List.of("c", "d"), inputs(h.lookupRange(SessionHistory.SESSION, 3, 0, NONE)));
    }

    @Test
    void searchGlobQuestionMarkMatchesExactlyOneCharacter() {
        SessionHistory h = history("6 * 7", "6 + 17", "6 + 7");

        assertEquals(List.of("6 * 7", "6 + 7"), inputs(h.search("6 ? 7", 0, NONE)));
    }

    @Test
    void searchGlobStarMatchesAnyTextIncludingNewlines() {
        SessionHistory h = history("int a = 1;\nprintln(a)", "var b = 2;", "println(3)");

        assertEquals(List.of("int a = 1;\nprintln(a)", "println(3)"), inputs(h.search("*println*", 0, NONE)));
    }

    @Test
    void searchMatchesTheWholeInput() {
        SessionHistory h = history("abc", "xabcx");

        assertEquals(List.of("abc"), inputs(h.search("abc", 0, NONE)));
    }

    @Test
    void emptyPatternMatchesEverything() {
        assertEquals(List.of("a", "b"), inputs(history("a", "b").search("", 0, NONE)));
        assertEquals(List.of("a", "b"), inputs(history("a", "b").search(null, 0, NONE)));
    }

    @Test
    void searchLengthKeepsTheLastMatches() {
        SessionHistory h = history("x1", "y", "x2", "x3");

        assertEquals(List.of("x2", "x3"), inputs(h.search("x*", 2, NONE)));
    }

    @Test
    void uniqueKeepsOneEntryPerInputTheLatest() {
        SessionHistory h = history("a", "b", "a", "c", "b");

        List<HistoryEntry> found = h.search("*", 0, EnumSet.of(ResultFlag.UNIQUE));

        assertEquals(List.of("a", "c", "b"), inputs(found));
        assertEquals(List.of(3, 4, 5), numbers(found));
    }

    @Test
    void withoutUniqueRepeatsAreKept() {
        SessionHistory h = history("a", "b", "a");

        assertEquals(List.of(1, 2, 3), numbers(h.search("*", 0, NONE)));
    }

    @Test
    void includeOutputGivesTheOutputOrEmptyText() {
        SessionHistory h = new SessionHistory();
        h.record(1, "int a = 1;", null);
        h.record(2, "a + 1", "2");

        List<HistoryEntry> entries = h.lookupTail(2, EnumSet.of(ResultFlag.INCLUDE_OUTPUT));

        assertEquals("", entries.get(0).getOutput());
        assertEquals("2", entries.get(1).getOutput());
    }

    @Test
    void withoutIncludeOutputThereIsNoOutput() {
        SessionHistory h = new SessionHistory();
        h.record(1, "a + 1", "2");

        HistoryEntry e = h.lookupTail(1, NONE).get(0);

        assertNull(e.getOutput());
        assertFalse(e.hasOutput());
    }

    @Test
    void globEscapesRegexCharacters() {
        assertTrue(SessionHistory.glob("a.b").matcher("a.b").matches());
        assertFalse(SessionHistory.glob("a.b").matcher("axb").matches());
        assertTrue(SessionHistory.glob("f(x)[0]+$").matcher("f(x)[0]+$").matches());
        assertFalse(SessionHistory.glob("a+").matcher("aa").matches());
    }

    @Test
    void globStarAndQuestionMark() {
        assertTrue(SessionHistory.glob("a*c").matcher("abbbc").matches());
        assertTrue(SessionHistory.glob("a*c").matcher("ac").matches());
        assertTrue(SessionHistory.glob("a?c").matcher("abc").matches());
        assertFalse(SessionHistory.glob("a?c").matcher("ac").matches());
    }
}
