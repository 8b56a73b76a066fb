package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the engine is recording operations for a backward pass (inside a {@code GradientCollector}).
 * When it is not (evaluation, inference), a block may update its own fresh intermediate arrays in
 * place, which saves an allocation and a pass over memory per operation; when it is, in-place
 * updates would corrupt values autograd saved. DJL has no engine-neutral query, so this asks the
 * PyTorch engine's grad mode; for any other engine it answers true (never in place).
 */
public final class Autograd {

    private static final MethodHandle GRAD_MODE = gradMode();

    private Autograd() {}

    /** True when operations on {@code like}'s engine are being recorded for a backward pass, or when unknown. */
    public static boolean isRecording(NDArray like) {
        if (GRAD_MODE == null || !"PyTorch".equals(like.getManager().getEngine().getEngineName())) {
            return true;
        }
        try {
            return (boolean) GRAD_MODE.invokeExact();
        } catch (Throwable e) {
            return true;
        }
    }

    private static MethodHandle gradMode() {
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            return MethodHandles.publicLookup().findStatic(jni, "isGradMode", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
