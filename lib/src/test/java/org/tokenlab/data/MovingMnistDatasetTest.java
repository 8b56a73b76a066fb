package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import org.junit.jupiter.api.Test;

class MovingMnistDatasetTest {

    private final MovingMnist moving = MovingMnist.builder().setDigits(TinyDigits.twenty()).setDigitsPerClip(2)
            .optFrames(4).optFrameSide(32).optClips(10, 6).build();

    private MovingMnistDataset dataset(Split split) {
        return MovingMnistDataset.builder().setMovingMnist(moving).optSplit(split).setShuffledSampling(3, 1).build();
    }

    @Test
    void recordIsOneVideo1xTxHxWAndTheClipsLabels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Record record = dataset(Split.TEST).get(manager, 2);
            assertEquals(new Shape(1, 4, 32, 32), record.getData().head().getShape());
            assertEquals(DataType.FLOAT32, record.getData().head().getDataType());
            assertEquals(new Shape(2), record.getLabels().head().getShape());
            assertEquals(DataType.INT64, record.getLabels().head().getDataType());
            assertArrayEquals(moving.videos(manager, Split.TEST, 2, 1).toFloatArray(), record.getData().head().toFloatArray());
            assertArrayEquals(moving.labels(manager, Split.TEST, 2, 1).toLongArray(), record.getLabels().head().toLongArray());
        }
    }

    @Test
    void sizeIsTheSplitsClipCount() {
        assertEquals(10, dataset(Split.TRAIN).size());
        assertEquals(6, dataset(Split.TEST).size());
    }

    @Test
    void batchesAreB1THWVideosAndBDigitsLabels() throws Exception {
        MovingMnistDataset train = MovingMnistDataset.builder().setMovingMnist(moving).setSampling(4, false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Batch first = train.getData(manager).iterator().next();
            assertEquals(new Shape(4, 1, 4, 32, 32), first.getData().head().getShape());
            assertEquals(new Shape(4, 2), first.getLabels().head().getShape());
            first.close();
        }
    }

    @Test
    void missingSettingsAndBadIndicesAreRefused() {
        IllegalArgumentException noClips = assertThrows(IllegalArgumentException.class,
                () -> MovingMnistDataset.builder().setSampling(2, false).build());
        assertTrue(noClips.getMessage().contains("call setMovingMnist("), noClips.getMessage());
        IllegalArgumentException noSampling = assertThrows(IllegalArgumentException.class,
                () -> MovingMnistDataset.builder().setMovingMnist(moving).build());
        assertTrue(noSampling.getMessage().contains("setShuffledSampling"), noSampling.getMessage());
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> dataset(Split.TEST).get(manager, 6));
            assertEquals("MovingMnistDataset (TEST) index 6 is outside 0..5", outside.getMessage());
        }
    }
}
