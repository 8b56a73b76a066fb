package org.tokenlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tokenlab.tokenizer.VqganConfig;
import org.tokenlab.tokenizer.VqganTokenizer;
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

    @Test
    void versionOneFilesStillLoadIntoAModelButHoldNoTrainingState() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> config = Checkpoint.describe(new Config(4, 0.5, new int[] {2}));
            Linear a = initialized(m, 4, 1);
            Path file = dir.resolve("old.ckpt");
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(Files.newOutputStream(file))) {
                out.write((Checkpoint.MAGIC_V1 + "\ntype=Config\nwidth=4\nrate=0.5\nlevels=[2]\n\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                a.saveParameters(out);
            }
            Linear b = initialized(m, 4, 2);
            Checkpoint.load(file, b, config, m);
            assertEquals(a.getParameters().valueAt(0).getArray(), b.getParameters().valueAt(0).getArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file, m));
            assertTrue(e.getMessage().contains("is version 1") && e.getMessage().contains("save it again with Checkpoint.save"),
                    e.getMessage());
        }
    }

    @Test
    void tensorsThatDoNotFitAreEachNamedAndTheModelIsLeftUnchanged() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path file = dir.resolve("model.ckpt");
            Checkpoint.save(file, initialized(m, 4, 1), Map.of("type", "x"));
            Linear wider = initialized(m, 5, 2);
            NDArray before = wider.getParameters().valueAt(0).getArray().duplicate();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(file, wider, Map.of("type", "x"), m));
            assertTrue(e.getMessage().contains("'weight' has shape (4, 3) in the checkpoint, (5, 3) in the model"), e.getMessage());
            assertTrue(e.getMessage().contains("'bias' has shape (4,) in the checkpoint, (5,) in the model"), e.getMessage());
            assertEquals(before, wider.getParameters().valueAt(0).getArray(), "a refused load changes nothing");
            ai.djl.nn.Block other = ai.djl.nn.core.Linear.builder().setUnits(4).optBias(false).build();
            other.initialize(m, DataType.FLOAT32, new Shape(2, 3));
            IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(file, other, Map.of("type", "x"), m));
            assertTrue(extra.getMessage().contains("'bias' is in the checkpoint but not in the model"), extra.getMessage());
        }
    }

    @Test
    void aRemapInflatesA2dKernelIntoTheMiddleSlotOfA3dOne() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            ai.djl.nn.Block flat = ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build();
            flat.initialize(m, DataType.FLOAT32, new Shape(1, 2, 8, 8));
            Path file = dir.resolve("flat.ckpt");
            Checkpoint.save(file, flat, Map.of("type", "flat"));
            ai.djl.nn.Block deep = ai.djl.nn.convolutional.Conv3d.builder().setKernelShape(new Shape(3, 3, 3)).setFilters(4).build();
            deep.initialize(m, DataType.FLOAT32, new Shape(1, 2, 3, 8, 8));
            Map<String, String> stored = Checkpoint.load(file, deep, m, org.tokenlab.nn.Inflation.CENTRAL.remap());
            assertEquals("flat", stored.get("type"));
            NDArray w2 = flat.getParameters().get("weight").getArray();
            NDArray w3 = deep.getParameters().get("weight").getArray();
            assertEquals(w2, w3.get(":, :, 1"));
            assertEquals(0f, w3.get(":, :, 0").abs().sum().getFloat());
            assertEquals(0f, w3.get(":, :, 2").abs().sum().getFloat());
            assertEquals(flat.getParameters().get("bias").getArray(), deep.getParameters().get("bias").getArray());
        }
    }

    @Test
    void aTokenizerComesBackWithItsConfigurationAndItsQuantizersTrainingState() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            Shape images = new Shape(4, 1, 16, 16);
            java.util.function.Supplier<VqganTokenizer> build = () -> VqganTokenizer.of(
                    new VqganConfig(1, 8, new int[] {1, 2}, 1, false, 4, 8),
                    org.tokenlab.quantize.LookupFreeQuantizer.builder().setCodeDimension(4).build());
            VqganTokenizer a = build.get();
            a.initialize(m, DataType.FLOAT32, images);
            ((org.tokenlab.quantize.LookupFreeQuantizer) a.quantizer()).setTrainingStep(41);
            Path file = dir.resolve("tokenizer.ckpt");
            Checkpoint.save(file, a, a.configuration());
            assertEquals("LookupFreeQuantizer", Checkpoint.readConfig(file).get("quantizer.type"));
            VqganTokenizer b = build.get();
            b.initialize(m, DataType.FLOAT32, images);
            Checkpoint.load(file, b, b.configuration(), m);
            NDArray pixels = m.randomUniform(-1, 1, images);
            assertEquals(a.encode(pixels), b.encode(pixels));
            assertEquals(41, ((org.tokenlab.quantize.LookupFreeQuantizer) b.quantizer()).trainingStep());
            VqganTokenizer other = VqganTokenizer.of(new VqganConfig(1, 8, new int[] {1, 2}, 1, false, 4, 8),
                    org.tokenlab.quantize.LookupFreeQuantizer.builder().setCodeDimension(4).optEntropyWeight(0.2).build());
            other.initialize(m, DataType.FLOAT32, images);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.load(file, other, other.configuration(), m));
            assertTrue(e.getMessage().contains("quantizer.entropyWeight: checkpoint has"), e.getMessage());
        }
    }
}
