package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The arrays made from Java memory on this thread while recording, and a way to overwrite the memory
 * of those that were closed, as a garbage collection followed by reuse of the memory would.
 *
 * <p>With DJL's PyTorch engine an array made from Java data ({@code manager.create(float[])}, the
 * scalar inside {@code x.mul(2f)}) is a tensor over a direct {@link ByteBuffer}, made without a copy
 * ({@code torch::from_blob}); the {@code PtNDArray} keeps the buffer reachable in its field
 * {@code dataRef} until it is closed, and nothing else does. After that, the garbage collector decides
 * when the memory is freed and the C allocator what is written there, so a computation that still
 * reads it sees its old value most of the time. This class takes both decisions away: while
 * recording it keeps every such buffer reachable, so nothing is freed during the check, and
 * {@link #poison} overwrites, for all of them at once, the buffers whose arrays are closed with
 * a value that changes any result computed from them. {@link #restore} writes the original bytes
 * back.
 *
 * <p>Recording uses DJL's {@link NDScope}: every engine array registers with the innermost open
 * scope when it is made. The scope opened here keeps nothing (so closing it closes nothing); it notes
 * the Java buffer of each array that has one. The scope's map and the array's buffer field are
 * private to DJL, so {@link #record} fails, rather than recording nothing, where a DJL version has
 * renamed them. Not seen: arrays made inside a scope that the recorded code opens itself (the library
 * opens none) and tensors that {@code NDArray.set(Buffer)} points at Java memory (the library calls it
 * on none).
 */
final class JavaBackedArrays implements AutoCloseable {

    /** What {@link #poison} writes into every element; each catches reads that the others may not. */
    enum Poison {
        /** NaN; in integer and boolean types all bits set (-1, or the largest unsigned value, or true). */
        NAN,
        /**
         * A huge positive number ({@code 1e30f}, {@code 1e300}, the largest half-precision value); in
         * integer types the largest value, in booleans true.
         */
        HUGE,
        /** A huge negative number; in signed integer types the smallest value, in unsigned ones and booleans zero. */
        NEGATIVE_HUGE;

        /** One element of this poison in {@code type}, in native byte order. */
        byte[] element(DataType type) {
            ByteBuffer b = ByteBuffer.allocate(type.getNumOfBytes()).order(ByteOrder.nativeOrder());
            switch (type) {
                case FLOAT32 -> b.putFloat(this == NAN ? Float.NaN : this == HUGE ? 1e30f : -1e30f);
                case FLOAT64 -> b.putDouble(this == NAN ? Double.NaN : this == HUGE ? 1e300 : -1e300);
                case FLOAT16 -> b.putShort((short) (this == NAN ? 0x7E00 : this == HUGE ? 0x7BFF : 0xFBFF));
                case BFLOAT16 -> b.putShort((short) (this == NAN ? 0x7FC0 : this == HUGE ? 0x7F7F : 0xFF7F));
                case BOOLEAN -> b.put((byte) (this == NEGATIVE_HUGE ? 0 : 1));
                default -> {
                    if (type.getFormat() != DataType.Format.INT && type.getFormat() != DataType.Format.UINT) {
                        throw new IllegalArgumentException("no poison for Java-backed arrays of type " + type);
                    }
                    boolean signed = type.getFormat() == DataType.Format.INT;
                    for (int i = 0; i < b.capacity(); i++) {
                        // native order: the most significant byte is the last one on a little-endian machine
                        boolean top = b.order() == ByteOrder.LITTLE_ENDIAN ? i == b.capacity() - 1 : i == 0;
                        int v = switch (this) {
                            case NAN -> 0xFF;
                            case HUGE -> signed && top ? 0x7F : 0xFF;
                            case NEGATIVE_HUGE -> signed && top ? 0x80 : 0;
                        };
                        b.put(i, (byte) v);
                    }
                }
            }
            return b.array();
        }
    }

    /** One Java-backed array made while recording. */
    private record Made(NDArray array, ByteBuffer buffer, DataType type, Shape shape, String where) {}

    private static final Field SCOPE_RESOURCES = field(NDScope.class, "resources", IdentityHashMap.class);

    private final NDScope scope;
    private final List<Made> made = new ArrayList<>();
    private final Map<ByteBuffer, byte[]> originals = new IdentityHashMap<>();
    private Field bufferField; // PtNDArray.dataRef, found on the first array made

    private JavaBackedArrays() {
        scope = new NDScope();
        try {
            SCOPE_RESOURCES.set(scope, new Recorder());
        } catch (IllegalAccessException e) {
            scope.close();
            throw new IllegalStateException(e);
        }
    }

    /** Starts recording the arrays made on this thread, until {@link #close}. */
    static JavaBackedArrays record() {
        return new JavaBackedArrays();
    }

    /** Stops recording; the buffers stay reachable, so {@link #poison} and {@link #restore} still work. */
    @Override
    public void close() {
        scope.close();
    }

    /** How many Java-backed arrays were made while recording. */
    int made() {
        return made.size();
    }

    /**
     * Overwrites every element of the Java buffers whose arrays are closed now with {@code poison}
     * (a buffer that an open array also uses is left alone), keeping the original bytes for
     * {@link #restore}.
     *
     * @return how many buffers were overwritten
     */
    int poison(Poison poison) {
        Set<ByteBuffer> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
        made.stream().filter(a -> !a.array().isReleased()).forEach(a -> inUse.add(a.buffer()));
        int count = 0;
        for (Made a : released()) {
            if (inUse.contains(a.buffer())) {
                continue;
            }
            ByteBuffer b = a.buffer().duplicate().clear();
            if (!originals.containsKey(a.buffer())) {
                byte[] copy = new byte[b.capacity()];
                b.get(0, copy);
                originals.put(a.buffer(), copy);
            }
            byte[] element = poison.element(a.type());
            for (int at = 0; at + element.length <= b.capacity(); at += element.length) {
                b.put(at, element);
            }
            count++;
        }
        return count;
    }

    /** Writes back what {@link #poison} overwrote. */
    void restore() {
        originals.forEach((buffer, bytes) -> buffer.duplicate().clear().put(0, bytes));
        originals.clear();
    }

    /** Where the closed Java-backed arrays were made: for each place, the arrays' type and shape, with counts. */
    String releasedSummary() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        released().forEach(a -> counts.merge(a.type() + " " + a.shape() + " made at " + a.where(), 1, Integer::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining("; ", "[", "]"));
    }

    private List<Made> released() {
        return made.stream().filter(a -> a.array().isReleased()).toList();
    }

    private void noteIfJavaBacked(NDArray array) {
        if (bufferField == null) {
            bufferField = field(array.getClass(), "dataRef", ByteBuffer.class);
        }
        ByteBuffer buffer;
        try {
            buffer = (ByteBuffer) bufferField.get(array);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (buffer != null) {
            made.add(new Made(array, buffer, array.getDataType(), array.getShape(), caller()));
        }
    }

    /** The first frame outside DJL, the JDK and this class: the code that made the array. */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("ai.djl.") && !f.getClassName().startsWith("java.")
                        && !f.getClassName().startsWith(JavaBackedArrays.class.getName()))
                .findFirst().map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber())
                .orElse("?"));
    }

    private static Field field(Class<?> owner, String name, Class<?> type) {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                if (type.isAssignableFrom(f.getType())) {
                    f.setAccessible(true);
                    return f;
                }
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new IllegalStateException("no field " + name + " of type " + type.getSimpleName() + " in " + owner.getName()
                + " (or its superclasses): this DJL version hides Java-backed arrays differently, and the check "
                + "for them must be adapted");
    }

    /** The scope's map: keeps nothing, notes Java-backed arrays. */
    private final class Recorder extends IdentityHashMap<NDArray, NDArray> {
        private static final long serialVersionUID = 1L;

        @Override
        public NDArray put(NDArray key, NDArray value) {
            noteIfJavaBacked(key);
            return null;
        }
    }
}
