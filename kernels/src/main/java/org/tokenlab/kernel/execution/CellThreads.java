package org.tokenlab.kernel.execution;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine state every cell thread starts with. libtorch keeps autograd's grad mode per thread and
 * a new thread starts with it on; DJL turns it off on the thread that loads the engine, and a
 * {@code GradientCollector} turns it on only while it records. Every cell runs on a new thread, so
 * without this each cell would record an autograd graph for every operation that touches a
 * parameter: evaluation and sampling slower and holding more memory, and the library's in-place
 * inference paths switched off (in the VQGAN tutorial, sampling with the KV cache ran at a third of
 * its speed).
 *
 * <p>Cells also wait for the kernel's warm-up, which loads the engine and runs the library's
 * convolution self-check ({@code EngineCheck}), so that no cell's convolution runs before the check
 * has routed convolutions away from a native implementation that is wrong on this processor. A
 * warning the warm-up leaves (convolutions wrong and not fixable here) is printed in the first cell.
 */
public final class CellThreads {

    /** Longest a cell waits for the warm-up: engine load and self-check take a second or two. */
    private static final long WARM_UP_WAIT_SECONDS = 120;

    private static volatile MethodHandle setGradMode;
    private static volatile CountDownLatch warmUp;
    private static final AtomicReference<String> warning = new AtomicReference<>();

    private CellThreads() {}

    /** Called once the PyTorch engine is loaded; from then on every cell starts with grad mode off. */
    public static void pytorchLoaded() {
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            setGradMode = MethodHandles.publicLookup().findStatic(jni, "setGradMode",
                    MethodType.methodType(void.class, boolean.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            setGradMode = null; // no PyTorch engine on the class path: nothing to prepare
        }
    }

    /** The warm-up has started: cells from now on wait for {@link #warmedUp(String)}. */
    public static void warmingUp() {
        warmUp = new CountDownLatch(1);
    }

    /** The warm-up is over; {@code cellWarning}, when not null, is printed on the first cell's stderr. */
    public static void warmedUp(String cellWarning) {
        warning.set(cellWarning);
        CountDownLatch latch = warmUp;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Runs first on each cell's thread. */
    static void prepare() throws InterruptedException {
        CountDownLatch latch = warmUp;
        if (latch != null) {
            latch.await(WARM_UP_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        String message = warning.getAndSet(null);
        if (message != null) {
            System.err.println(message);
        }
        MethodHandle handle = setGradMode;
        if (handle != null) {
            try {
                handle.invokeExact(false);
            } catch (Throwable e) {
                // a cell still runs, only with the engine's default for new threads
            }
        }
    }
}
