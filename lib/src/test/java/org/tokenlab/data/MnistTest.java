package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    @TempDir
    Path dir;

    private Mnist mnist;

    @BeforeEach
    void writeSyntheticFile() throws IOException {
        mnist = Mnist.load(SyntheticMnist.write(dir, SyntheticMnist.bytes(SyntheticMnist.COUNT)));
    }

    /** Value at (row, col) of the padded image b of a (B, 1, 32, 32) batch. */
    private static float at(float[] batch, int b, int row, int col) {
        return batch[b * 32 * 32 + row * 32 + col];
    }

    @Test
    void sizeIsTheHeaderCount() {
        assertEquals(20, mnist.size());
    }

    @Test
    void labelsAreTheStoredLabels() {
        for (int i = 0; i < 20; i++) {
            assertEquals(SyntheticMnist.label(i), mnist.label(i));
        }
    }

    @Test
    void pixelIsTheStoredByte() {
        assertEquals(255, mnist.pixel(0, 9, 3));
    }

    @Test
    void imagesAreBatchOfOneChannel32x32Float32() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = mnist.images(manager, 0, 5, 19);
            assertEquals(new Shape(3, 1, 32, 32), images.getShape());
            assertEquals(DataType.FLOAT32, images.getDataType());
        }
    }

    @Test
    void imageValuesLieInMinusOneToOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = mnist.images(manager, mnist.train());
            assertEquals(-1f, images.min().getFloat());
            assertEquals(1f, images.max().getFloat());
        }
    }

    @Test
    void borderOfTwoPixelsIsBackground() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] v = mnist.images(manager, 7).toFloatArray();
            for (int k = 0; k < 32; k++) {
                for (int edge : new int[] {0, 1, 30, 31}) {
                    assertEquals(-1f, at(v, 0, edge, k), "row " + edge + ", col " + k);
                    assertEquals(-1f, at(v, 0, k, edge), "row " + k + ", col " + edge);
                }
            }
        }
    }

    @Test
    void storedPixelsMapTo255AsOne0AsMinusOneAnd51AsMinusPointSix() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] v = mnist.images(manager, 0).toFloatArray();
            assertEquals(1f, at(v, 0, 2 + 9, 2 + 3));     // stored 255 at (9, 3)
            assertEquals(-1f, at(v, 0, 2, 2));           // stored 0 at (0, 0)
            assertEquals(-0.6f, at(v, 0, 2 + 1, 2 + 23), 1e-6f); // stored 51 at (1, 23)
        }
    }

    @Test
    void imagesFollowTheOrderOfTheIndices() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] pair = mnist.images(manager, 13, 4).toFloatArray();
            float[] single = mnist.images(manager, 4).toFloatArray();
            assertArrayEquals(single, java.util.Arrays.copyOfRange(pair, 32 * 32, 2 * 32 * 32));
        }
    }

    @Test
    void labelsAreInt64VectorInIndexOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray labels = mnist.labels(manager, 3, 12, 0);
            assertEquals(new Shape(3), labels.getShape());
            assertEquals(DataType.INT64, labels.getDataType());
            assertArrayEquals(new long[] {3, 2, 0}, labels.toLongArray());
        }
    }

    @Test
    void indexOutsideTheFileFailsNamingTheRange() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mnist.images(manager, 20));
            assertTrue(e.getMessage().contains("index 20 is outside 0..19"), e.getMessage());
        }
    }

    @Test
    void emptyBatchFails() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> mnist.labels(manager));
        }
    }

    @Test
    void defaultFileIsMnist10kBinInTheCacheFolder() {
        String cache = System.getenv("TOKENLAB_CACHE");
        Path root = cache == null || cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache", "tokenlab")
                : Path.of(cache);
        assertEquals(root.resolve("mnist/mnist-10k.bin"), Mnist.defaultFile());
    }
}
