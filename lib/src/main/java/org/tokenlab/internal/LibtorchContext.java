package org.tokenlab.internal;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libtorch's global backend switches ({@code at::globalContext()}), the ones Python sets with
 * {@code torch.backends.mkldnn.enabled} and {@code torch.backends.nnpack.enabled}. DJL has no call
 * for them, so this calls the exported C++ methods of the {@code libtorch_cpu} library the engine
 * loaded: {@code at::globalContext()} and {@code at::Context::setUserEnabledMkldnn(bool)} (a member
 * function, called with the context as its first argument, as the x86-64 C++ ABI passes
 * {@code this}).
 *
 * <p>The switches are read each time an operation chooses its implementation, so a change applies to
 * every later convolution on every thread. Linux only (the library is found in
 * {@code /proc/self/maps}); {@link #find()} is empty elsewhere or before the engine is loaded.
 */
public final class LibtorchContext {

    private static final String LIBRARY = "libtorch_cpu.so";

    private final NativeLibrary library;
    private final Pointer context;

    private LibtorchContext(NativeLibrary library) {
        this.library = library;
        this.context = library.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
    }

    /** The loaded libtorch's context, or empty when no libtorch is loaded or its symbols are missing. */
    public static Optional<LibtorchContext> find() {
        try {
            return loadedLibrary().map(path -> new LibtorchContext(NativeLibrary.getInstance(path.toString())));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The path of the {@code libtorch_cpu.so} mapped into this process, if any. */
    public static Optional<Path> loadedLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(file -> file.endsWith("/" + LIBRARY))
                    .findFirst()
                    .map(Path::of);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether convolutions may use oneDNN (called MKL-DNN in libtorch's API). */
    public boolean oneDnnEnabled() {
        // a C++ bool comes back in the lowest byte of the return register; the rest is undefined
        return (function("_ZNK2at7Context17userEnabledMkldnnEv").invokeInt(new Object[] {context}) & 0xFF) != 0;
    }

    /** Lets convolutions use oneDNN, or routes them to libtorch's own implementations. */
    public void setOneDnnEnabled(boolean enabled) {
        function("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] {context, enabled ? (byte) 1 : (byte) 0});
    }

    /**
     * Lets forward convolutions try NNPACK. Off together with oneDNN, so that convolutions take one
     * known path (and a processor NNPACK does not support does not log a warning per convolution).
     */
    public void setNnpackEnabled(boolean enabled) {
        function("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context, enabled ? (byte) 1 : (byte) 0});
    }

    private Function function(String mangledName) {
        return library.getFunction(mangledName);
    }
}
