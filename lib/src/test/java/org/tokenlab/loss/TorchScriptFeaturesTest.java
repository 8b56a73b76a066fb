package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the error paths: a real TorchScript file needs Python and PyTorch to create. */
class TorchScriptFeaturesTest {

    @Test
    void missingFileIsExplained(@TempDir Path dir) {
        Path file = dir.resolve("vgg16-features.pt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptFeatures.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist")
                && e.getMessage().contains("torch.jit"), e.getMessage());
    }

    @Test
    void directoryIsExplained(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptFeatures.load(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void fileThatIsNotTorchScriptIsExplained(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("notes.pt"), "not a model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptFeatures.load(file));
        assertTrue(e.getMessage().contains("could not load") && e.getMessage().contains(file.toString()), e.getMessage());
    }
}
