package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDatasetTest {

    @TempDir
    Path dir;

    private Mnist mnist;

    @BeforeEach
    void writeSyntheticFile() throws IOException {
        mnist = Mnist.load(SyntheticMnist.write(dir, SyntheticMnist.bytes(SyntheticMnist.COUNT)));
    }

    private MnistDataset dataset(Split split, int batchSize, long seed) {
        return MnistDataset.builder().optMnist(mnist).optSplit(split).setShuffledSampling(batchSize, seed).build();
    }

    /** The digits of one epoch in batch order, identified by their stored pixel (0, 0) = i. */
    private static List<Integer> epoch(MnistDataset dataset, NDManager manager) throws Exception {
        List<Integer> digits = new ArrayList<>();
        for (Batch batch : dataset.getData(manager)) {
            float[] images = batch.getData().head().toFloatArray();
            for (int b = 0; b < images.length / (32 * 32); b++) {
                digits.add(Math.round((images[b * 32 * 32 + 2 * 32 + 2] + 1) * 127.5f));
            }
            batch.close();
        }
        return digits;
    }

    @Test
    void recordIsOneImage1x32x32AndAScalarInt64Label() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Record record = dataset(Split.TRAIN, 4, 1).get(manager, 0);
            assertEquals(new Shape(1, 32, 32), record.getData().head().getShape());
            assertEquals(DataType.FLOAT32, record.getData().head().getDataType());
            assertEquals(new Shape(), record.getLabels().head().getShape());
            assertEquals(DataType.INT64, record.getLabels().head().getDataType());
            assertEquals(mnist.label(mnist.train()[0]), record.getLabels().head().getLong());
        }
    }

    @Test
    void sizeIsTheSplitSize() {
        assertEquals(18, dataset(Split.TRAIN, 4, 1).size());
        assertEquals(2, dataset(Split.TEST, 4, 1).size());
    }

    @Test
    void batchesAreImagesB1x32x32AndLabelsB() throws Exception {
        MnistDataset train = MnistDataset.builder().optMnist(mnist).setSampling(4, false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch first = train.getData(manager).iterator().next();
            assertEquals(new Shape(4, 1, 32, 32), first.getData().head().getShape());
            assertEquals(new Shape(4), first.getLabels().head().getShape());
            assertEquals(DataType.INT64, first.getLabels().head().getDataType());
            first.close();
        }
    }

    @Test
    void anEpochVisitsEveryTrainingDigitOnce() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Integer> seen = epoch(dataset(Split.TRAIN, 4, 7), manager);
            assertArrayEquals(mnist.train(), seen.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
    }

    @Test
    void sameSeedGivesTheSameShuffledBatchesEpochAfterEpoch() throws Exception {
        MnistDataset a = dataset(Split.TRAIN, 4, 7);
        MnistDataset b = dataset(Split.TRAIN, 4, 7);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Integer> a1 = epoch(a, manager);
            List<Integer> a2 = epoch(a, manager);
            assertEquals(a1, epoch(b, manager));
            assertEquals(a2, epoch(b, manager));
            assertNotEquals(a1, a2, "consecutive epochs draw different orders");
        }
    }

    @Test
    void buildingWithoutSamplingSaysWhatToCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MnistDataset.builder().optMnist(mnist).build());
        assertTrue(e.getMessage().contains("setShuffledSampling(batchSize, seed)"), e.getMessage());
    }
}
