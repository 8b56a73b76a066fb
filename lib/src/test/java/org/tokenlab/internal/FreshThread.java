package org.tokenlab.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs test code on a brand-new thread, where libtorch's per-thread grad mode starts on (DJL turns
 * it off only on the thread that loads the engine), and hands back its result or rethrows what it threw.
 */
public final class FreshThread {

    private FreshThread() {}

    /** The value {@code work} returns on a new thread; its exception or assertion failure is rethrown here. */
    public static <T> T call(Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(work.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "fresh-test-thread");
        thread.start();
        thread.join();
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /** Runs {@code work} on a new thread, rethrowing its failure. */
    public static void run(Runnable work) throws Exception {
        call(() -> {
            work.run();
            return null;
        });
    }
}
