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
    private static final MethodHandle BACKWARD = backwardHandle();

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

    /**
     * Back-propagates {@code loss} (a scalar) into the gradients of every array that requires one,
     * adding to what they hold, like {@code GradientCollector.backward}, but with
     * {@code keepGraph = true} the recorded graph survives for another backward pass (PyTorch's
     * {@code retain_graph=True}). That is how one forward pass serves several backward passes: DJL's
     * collector frees the graph after each. Must run inside a {@code GradientCollector}.
     *
     * @throws UnsupportedOperationException on an engine other than PyTorch
     */
    public static void backward(NDArray loss, boolean keepGraph) {
        Checks.notNull(loss, "loss");
        Checks.require(loss.size() == 1, "backward expects a scalar loss, got shape %s; take .mean() or .sum()",
                Checks.describe(loss.getShape()));
        if (BACKWARD == null || !"PyTorch".equals(loss.getManager().getEngine().getEngineName())) {
            throw new UnsupportedOperationException("a backward pass that keeps the graph needs the PyTorch engine, got "
                    + loss.getManager().getEngine().getEngineName());
        }
        try (NDArray ones = loss.onesLike()) {
            BACKWARD.invokeExact(loss, ones, keepGraph, false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("backward pass failed: " + e.getMessage(), e);
        }
    }

    /**
     * Turns autograd recording off on this thread until {@link Paused#close()}, which gives back the
     * previous setting: inference ({@code encode}, {@code decode}, {@code logits}, {@code sample})
     * runs in it, so it neither keeps activations for a backward pass nor depends on which thread
     * calls it. libtorch's grad mode is per thread and starts on in every new thread; DJL turns it on
     * only inside a {@code GradientCollector}. A no-op on engines other than PyTorch.
     */
    public static Paused pause() {
        if (GRAD_MODE == null || SET_GRAD_MODE == null) {
            return new Paused(false, false);
        }
        boolean was = gradMode(true);
        if (was) {
            setGradMode(false);
        }
        return new Paused(true, was);
    }

    /** The scope {@link #pause()} returns; closing it restores the thread's grad mode. */
    public static final class Paused implements AutoCloseable {
        private final boolean active;
        private final boolean restore;

        private Paused(boolean active, boolean restore) {
            this.active = active;
            this.restore = restore;
        }

        @Override
        public void close() {
            if (active && restore) {
                setGradMode(true);
            }
        }
    }

    private static final MethodHandle SET_GRAD_MODE = setGradModeHandle();

    private static boolean gradMode(boolean unknown) {
        try {
            return (boolean) GRAD_MODE.invokeExact();
        } catch (Throwable e) {
            return unknown;
        }
    }

    private static void setGradMode(boolean on) {
        try {
            SET_GRAD_MODE.invokeExact(on);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot set the engine's grad mode: " + e.getMessage(), e);
        }
    }

    private static MethodHandle setGradModeHandle() {
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            return MethodHandles.publicLookup().findStatic(jni, "setGradMode", MethodType.methodType(void.class, boolean.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static MethodHandle backwardHandle() {
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            Class<?> array = Class.forName("ai.djl.pytorch.engine.PtNDArray");
            MethodHandle h = MethodHandles.publicLookup().findStatic(jni, "backward",
                    MethodType.methodType(void.class, array, array, boolean.class, boolean.class));
            return h.asType(MethodType.methodType(void.class, NDArray.class, NDArray.class, boolean.class, boolean.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
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

    /**
     * Zeroes the gradients of {@code block}'s initialized parameters only. DJL's
     * {@code GradientCollector.zeroGradients()} visits every array of the engine, which is slow in a
     * long session and fails on an array whose memory was already released.
     */
    public static void zeroGradients(ai.djl.nn.Block block) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            NDArray weight = p.getValue().isInitialized() ? p.getValue().getArray() : null;
            if (weight != null && weight.hasGradient()) {
                try (NDArray gradient = weight.getGradient()) {
                    gradient.subi(gradient);
                }
            }
        }
    }
}
