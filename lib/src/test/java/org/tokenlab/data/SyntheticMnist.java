package org.tokenlab.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Small files in the prepared MNIST format, written independently of the loader: digit i has label
 * {@code i % 10} and pixel {@code (r, c) = (i + 28 r + c) % 256}, so digit 0 holds 0 at (0, 0),
 * 51 at (1, 23) and 255 at (9, 3).
 */
final class SyntheticMnist {

    static final int COUNT = 20;

    private SyntheticMnist() {}

    static int label(int i) {
        return i % 10;
    }

    static int pixel(int i, int row, int col) {
        return (i + 28 * row + col) % 256;
    }

    /** A valid file of {@code count} digits: header, then (label, 784 pixels) per digit. */
    static byte[] bytes(int count) {
        ByteBuffer out = ByteBuffer.allocate(20 + count * 785); // big-endian by default
        out.put("TLMNIST1".getBytes(StandardCharsets.US_ASCII)).putInt(count).putInt(28).putInt(28);
        for (int i = 0; i < count; i++) {
            out.put((byte) label(i));
            for (int p = 0; p < 784; p++) {
                out.put((byte) pixel(i, p / 28, p % 28));
            }
        }
        return out.array();
    }

    /** Writes {@code dir/mnist-10k.bin} and a matching {@code .sha256}; returns the .bin path. */
    static Path write(Path dir, byte[] bytes) throws IOException {
        return write(dir, bytes, sha256(bytes));
    }

    /** Writes {@code bytes} and a {@code .sha256} holding {@code sha} in sha256sum's format. */
    static Path write(Path dir, byte[] bytes, String sha) throws IOException {
        Path file = dir.resolve("mnist-10k.bin");
        Files.write(file, bytes);
        Files.writeString(dir.resolve("mnist-10k.bin.sha256"), sha + "  mnist-10k.bin\n");
        return file;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
