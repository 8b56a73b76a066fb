package org.tokenlab.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary file in the same folder that is renamed into place, so a reader
 * never sees half a file and a failed write leaves the old file as it was. Not API.
 */
public final class AtomicFiles {

    /** What writes the file's contents to a stream. */
    public interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code contents} to {@code file}, creating its folder if needed. */
    public static void write(Path file, Contents contents) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(contents, "contents");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                contents.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code bytes} to {@code file}, creating its folder if needed. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Checks.notNull(bytes, "bytes");
        write(file, out -> out.write(bytes));
    }
}
