package org.tokenlab.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CellThreadsTest {

    @Test
    void cellsWaitForTheWarmUpAndTheFirstOnePrintsItsWarning() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CellThreads.warmingUp();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch prepared = new CountDownLatch(1);
            Thread cell = new Thread(() -> {
                started.countDown();
                try {
                    CellThreads.prepare();
                    prepared.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            cell.start();
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertFalse(prepared.await(300, TimeUnit.MILLISECONDS), "a cell ran before the warm-up was over");
            CellThreads.warmedUp("TokenLab: convolutions are WRONG here");
            assertTrue(prepared.await(5, TimeUnit.SECONDS));
            CellThreads.prepare(); // the second cell: no wait, no second warning
        } finally {
            System.setErr(err);
            CellThreads.warmedUp(null);
        }
        assertEquals("TokenLab: convolutions are WRONG here" + System.lineSeparator(),
                captured.toString(StandardCharsets.UTF_8));
    }
}
