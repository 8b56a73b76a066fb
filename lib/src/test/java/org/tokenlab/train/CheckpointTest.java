package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    record Config(int width, double rate, int[] levels) {}

    @TempDir
    Path dir;

    static Linear initialized(NDManager m, int units, int seed) {
        m.getEngine().setRandomSeed(seed);
        Linear l = Linear.builder().setUnits(units).build();
        l.initialize(m, DataType.FLOAT32, new Shape(2, 3));
        return l;
    }

    @Test
    void describeListsTheRecordsComponentsInOrder() {
        assertEquals(Map.of("type", "Config", "width", "4", "rate", "0.5", "levels", "[8, 5]"),
                Checkpoint.describe(new Config(4, 0.5, new int[] {8, 5})));
        assertEquals("[type, width, rate, levels]",
                Checkpoint.describe(new Config(4, 0.5, new int[] {8, 5})).keySet().toString());
    }

    @Test
    void savedParametersComeBackInAFreshBlock() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> config = Checkpoint.describe(new Config(4, 0.5, new int[] {2}));
            Linear a = initialized(m, 4, 1);
            Path file = dir.resolve("model.ckpt");
            Checkpoint.save(file, a, config);
            Linear b = initialized(m, 4, 2);
            Checkpoint.load(file, b, config, m);
            assertEquals(a.getParameters().valueAt(0).getArray(), b.getParameters().valueAt(0).getArray());
            assertEquals(config, Checkpoint.readConfig(file));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temporary file is left behind");
            }
        }
    }

    @Test
    void anotherConfigurationIsRejectedNamingTheDifference() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = dir.resolve("model.ckpt");
            Checkpoint.save(file, initialized(m, 4, 1), Checkpoint.describe(new Config(4, 0.5, new int[] {2})));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file,
                    initialized(m, 4, 1), Checkpoint.describe(new Config(4, 0.25, new int[] {2})), m));
            assertTrue(e.getMessage().contains("rate: checkpoint has 0.5, model has 0.25"), e.getMessage());
        }
    }

    @Test
    void aFileThatIsNotACheckpointOrMissingIsExplained() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path junk = Files.writeString(dir.resolve("junk.ckpt"), "hello\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(junk, initialized(m, 4, 1), Map.of(), m));
            assertTrue(e.getMessage().contains("is not a TokenLab checkpoint"), e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.readConfig(dir.resolve("nope.ckpt")));
            assertTrue(missing.getMessage().contains("no checkpoint at"), missing.getMessage());
        }
    }
}
