package org.tokenlab.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StatefulRandomTest {

    @Test
    void aSeedGivesTheSequenceOfJavaUtilRandom() {
        Random plain = new Random(42);
        StatefulRandom ours = new StatefulRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(plain.nextInt(17), ours.nextInt(17));
            assertEquals(plain.nextLong(), ours.nextLong());
            assertEquals(plain.nextDouble(), ours.nextDouble());
        }
    }

    @Test
    void aSavedStateContinuesTheSameSequence() {
        StatefulRandom a = new StatefulRandom(7);
        for (int i = 0; i < 10; i++) {
            a.nextGaussian();
        }
        long state = a.state();
        double[] next = {a.nextGaussian(), a.nextInt(100), a.nextDouble()};
        StatefulRandom b = new StatefulRandom(99);
        b.setState(state);
        assertEquals(next[0], b.nextGaussian());
        assertEquals(next[1], b.nextInt(100));
        assertEquals(next[2], b.nextDouble());
    }

    @Test
    void gaussiansLookStandardNormal() {
        StatefulRandom r = new StatefulRandom(3);
        double sum = 0;
        double squares = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian();
            sum += x;
            squares += x * x;
        }
        assertEquals(0, sum / n, 0.03);
        assertEquals(1, squares / n, 0.03);
    }

    @Test
    void aStateThatIsNot48BitsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StatefulRandom(1).setState(-1));
        assertTrue(e.getMessage().contains("48-bit"), e.getMessage());
    }
}
