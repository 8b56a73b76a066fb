package org.tokenlab.kernel.execution;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The engine state every cell thread starts with. libtorch keeps autograd's grad mode per thread and
 * a new thread starts with it on; DJL turns it off on the thread that loads the engine, and a
 * {@code GradientCollector} turns it on only while it records. Every cell runs on a new thread, so
 * without this each cell would record an autograd graph for every operation that touches a
 * parameter: evaluation and sampling slower and holding more memory, and the library's in-place
 * inference paths switched off (in the VQGAN tutorial, sampling with the KV cache ran at a third of
 * its speed).
 */
public final class CellThreads {

    private static volatile MethodHandle setGradMode;

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

    /** Runs first on each cell's thread. */
    static void prepare() {
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
