package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing or damaged prepared file fails at load, naming the problem and the fix. */
class MnistFileTest {

    @TempDir
    Path dir;

    private static void assertNamesProblemAndFix(Path file, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mnist.load(file));
        String message = e.getMessage();
        assertTrue(message.contains(problem), message);
        assertTrue(message.contains(file.toString()), message);
        assertTrue(message.contains("./tokenlab setup") && message.contains("datasets/mnist/prepare"), message);
    }

    @Test
    void missingFileSaysItDoesNotExist() {
        assertNamesProblemAndFix(dir.resolve("mnist-10k.bin"), "does not exist");
    }

    @Test
    void wrongMagicSaysItIsNotAPreparedFile() throws IOException {
        byte[] bytes = SyntheticMnist.bytes(20);
        bytes[0] = 'X';
        assertNamesProblemAndFix(SyntheticMnist.write(dir, bytes), "does not start with the magic bytes \"TLMNIST1\"");
    }

    @Test
    void truncatedFileSaysHowLongItShouldBe() throws IOException {
        byte[] bytes = Arrays.copyOf(SyntheticMnist.bytes(20), 15_035); // 19 whole digits and part of the 20th
        assertNamesProblemAndFix(SyntheticMnist.write(dir, bytes),
                "is truncated: 15035 bytes, but its header says 20 digits of 28x28, which take 15720 bytes");
    }

    @Test
    void fileShorterThanTheHeaderIsTruncated() throws IOException {
        assertNamesProblemAndFix(SyntheticMnist.write(dir, "TLMN".getBytes()), "shorter than the 20-byte header");
    }

    @Test
    void checksumMismatchSaysTheFileIsCorrupt() throws IOException {
        byte[] bytes = SyntheticMnist.bytes(20);
        String sha = SyntheticMnist.sha256(bytes);
        bytes[500] ^= 1; // one flipped bit in a pixel
        assertNamesProblemAndFix(SyntheticMnist.write(dir, bytes, sha), "fails its checksum");
    }

    @Test
    void missingChecksumFileIsNamed() throws IOException {
        Path file = SyntheticMnist.write(dir, SyntheticMnist.bytes(20));
        Files.delete(dir.resolve("mnist-10k.bin.sha256"));
        assertNamesProblemAndFix(file, "has no checksum file mnist-10k.bin.sha256");
    }

    @Test
    void imagesThatAreNot28x28AreRefused() throws IOException {
        byte[] bytes = SyntheticMnist.bytes(20);
        ByteBuffer.wrap(bytes).putInt(12, 27);
        assertNamesProblemAndFix(SyntheticMnist.write(dir, bytes), "holds 27x28 images, expected 28x28");
    }

    @Test
    void labelOutsideZeroToNineIsRefused() throws IOException {
        byte[] bytes = SyntheticMnist.bytes(20);
        bytes[20 + 3 * 785] = 12;
        assertNamesProblemAndFix(SyntheticMnist.write(dir, bytes), "has label 12 at record 3");
    }
}
