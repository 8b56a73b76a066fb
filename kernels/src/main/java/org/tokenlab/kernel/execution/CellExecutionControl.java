package org.tokenlab.kernel.execution;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell snippets in this JVM, each on a fresh thread, and keeps the real result objects
 * (not only their strings) so the kernel can render images, tables and tensors.
 *
 * <p>{@link #stop()} stops a running snippet even when it is CPU-bound ({@code while (true) {}}):
 * it interrupts the thread and then stops it with {@link Thread#stop()}, which Java 17 still
 * honours. (Java 20 and later refuse {@code Thread.stop}; there only code that checks for
 * interruption can be stopped.)
 */
final class CellExecutionControl extends DirectExecutionControl {

    private static final AtomicLong THREAD_IDS = new AtomicLong();

    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final AtomicLong keys = new AtomicLong();
    private final Object lock = new Object();
    private Thread running;
    private volatile boolean stopRequested;
    private volatile Throwable lastFailure;

    /**
     * Runs the snippet's method and returns a key for {@link #takeResult(String)} instead of the
     * value's string form.
     */
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                CellThreads.prepare();
                value.set(doitMethod.invoke(null));
            } catch (InvocationTargetException e) {
                failure.set(e.getCause());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "tokenlab-cell-" + THREAD_IDS.incrementAndGet());
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        synchronized (lock) {
            if (stopRequested) {
                throw new StoppedException();
            }
            running = thread;
            thread.start();
        }
        try {
            joinUninterruptibly(thread);
        } finally {
            synchronized (lock) {
                running = null;
            }
        }
        Throwable error = failure.get();
        if (stopRequested || error instanceof ThreadDeath) {
            throw new StoppedException();
        }
        if (error != null) {
            lastFailure = error;
            throw new InvocationTargetException(error);
        }
        String key = "#" + keys.incrementAndGet();
        results.put(key, new Holder(value.get()));
        return key;
    }

    /** Stops the running snippet, if any; later snippets of the same cell are not run. */
    @Override
    @SuppressWarnings({"removal", "deprecation"})
    public void stop() {
        synchronized (lock) {
            stopRequested = true;
            Thread t = running;
            if (t == null) {
                return;
            }
            t.interrupt();
            try {
                t.stop();
            } catch (UnsupportedOperationException refused) {
                // Java 20+: interruption is all that is left
            }
        }
    }

    /** True when {@link #stop()} was called since the last {@link #resetStop()}. */
    boolean stopRequested() {
        return stopRequested;
    }

    void resetStop() {
        stopRequested = false;
    }

    /** The value a snippet returned, removed from the store; {@code null} for an unknown key. */
    Object takeResult(String key) {
        Holder h = key == null ? null : (Holder) results.remove(key);
        return h == null ? null : h.value;
    }

    /** Whether {@code key} names a stored result. */
    boolean hasResult(String key) {
        return key != null && results.containsKey(key);
    }

    /** Drops results nobody took, so a long session does not hold on to old values. */
    void clearResults() {
        results.clear();
    }

    /** The real exception thrown by the last failing snippet (class, message, causes intact). */
    Throwable takeLastFailure() {
        Throwable t = lastFailure;
        lastFailure = null;
        return t;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wraps values so a {@code null} result can be stored in the map. */
    private static final class Holder {
        final Object value;

        Holder(Object value) {
            this.value = value;
        }
    }
}
