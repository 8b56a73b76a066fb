package org.tokenlab.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads and checks the prepared MNIST file (format in datasets/mnist/README.md): big-endian header
 * "TLMNIST1", int32 count, int32 rows, int32 cols, then count records of (uint8 label, rows * cols
 * uint8 pixels). The file must match the sha256 in the file beside it, named FILE.sha256.
 */
final class MnistFile {

    static final byte[] MAGIC = "TLMNIST1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = MAGIC.length + 3 * Integer.BYTES;
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;

    /** The records: {@code labels[i]} and pixels {@code pixels[i * PIXELS .. (i + 1) * PIXELS)}. */
    record Contents(byte[] labels, byte[] pixels) {}

    /** The fix every message ends with. */
    static final String PREPARE = "./tokenlab setup or datasets/mnist/prepare";

    private MnistFile() {}

    static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("MNIST file " + file + " does not exist; prepare it with " + PREPARE
                    + " (they write ${TOKENLAB_CACHE:-~/.cache/tokenlab}/mnist/mnist-10k.bin)");
        }
        long size = size(file);
        if (size < HEADER_BYTES) {
            throw problem(file, "is truncated: " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        int count = checkHeader(file, size);
        byte[] bytes = readAll(file);
        checkSha256(file, bytes);
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * PIXELS];
        for (int i = 0, at = HEADER_BYTES; i < count; i++, at += 1 + PIXELS) {
            labels[i] = bytes[at];
            if (labels[i] < 0 || labels[i] > 9) {
                throw problem(file, "has label " + Byte.toUnsignedInt(labels[i]) + " at record " + i + ", expected 0..9");
            }
            System.arraycopy(bytes, at + 1, pixels, i * PIXELS, PIXELS);
        }
        return new Contents(labels, pixels);
    }

    /** Checks magic, sides and length against the header; returns the record count. */
    private static int checkHeader(Path file, long size) {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            byte[] magic = data.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw problem(file, "does not start with the magic bytes \"TLMNIST1\" (found \""
                        + new String(magic, StandardCharsets.ISO_8859_1) + "\"), so it is not a prepared MNIST file");
            }
            int count = data.readInt();
            int rows = data.readInt();
            int cols = data.readInt();
            if (rows != SIDE || cols != SIDE) {
                throw problem(file, "holds " + rows + "x" + cols + " images, expected 28x28");
            }
            if (count < 1 || count > (Integer.MAX_VALUE - HEADER_BYTES) / (1 + PIXELS)) {
                throw problem(file, "has a header count of " + count + " digits, expected at least 1 (10,000 when prepared)");
            }
            long expected = HEADER_BYTES + (long) count * (1 + PIXELS);
            if (size != expected) {
                throw problem(file, (size < expected ? "is truncated: " : "is too long: ") + size + " bytes, but its header"
                        + " says " + count + " digits of 28x28, which take " + expected + " bytes");
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MNIST file " + file, e);
        }
    }

    private static void checkSha256(Path file, byte[] bytes) {
        Path sumFile = file.resolveSibling(file.getFileName() + ".sha256");
        if (!Files.isRegularFile(sumFile)) {
            throw problem(file, "has no checksum file " + sumFile.getFileName() + " beside it");
        }
        String[] fields = new String(readAll(sumFile), StandardCharsets.US_ASCII).trim().split("\\s+");
        String expected = fields[0].toLowerCase(Locale.ROOT);
        if (!expected.matches("[0-9a-f]{64}")) {
            throw problem(file, "has a checksum file " + sumFile.getFileName() + " that holds no sha256");
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw problem(file, "fails its checksum (corrupt or changed): its sha256 is " + actual + ", "
                    + sumFile.getFileName() + " expects " + expected);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE must provide", e);
        }
    }

    private static IllegalArgumentException problem(Path file, String what) {
        return new IllegalArgumentException("MNIST file " + file + " " + what + "; delete it and its .sha256"
                + " and prepare it again with " + PREPARE);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MNIST file " + file, e);
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
