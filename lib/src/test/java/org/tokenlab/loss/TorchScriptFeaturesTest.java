package org.tokenlab.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error paths, and the gradient through a tiny TorchScript network that the test exports itself
 * with Debian's PyTorch ({@code /usr/bin/python3} with {@code python3-torch}; skipped, saying so,
 * where it is missing).
 */
class TorchScriptFeaturesTest {

    private static final String EXPORT = String.join("\n",
            "import sys, torch",
            "class Features(torch.nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            "        torch.manual_seed(0)",
            "        self.a = torch.nn.Conv2d(1, 4, 3, padding=1)",
            "        self.b = torch.nn.Conv2d(4, 8, 3, stride=2, padding=1)",
            "        self.drop = torch.nn.Dropout(0.5)",
            "    def forward(self, x):",
            "        f1 = torch.relu(self.a(x))",
            "        f2 = torch.relu(self.b(self.drop(f1)))",
            "        return [f1, f2]",
            "torch.jit.script(Features()).save(sys.argv[1])");

    /** Exports the network above to {@code dir}, or skips the test when Debian's PyTorch is not there. */
    static Path exportTinyNetwork(Path dir) throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        Path file = dir.resolve("tiny-features.pt");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 to export a TorchScript network");
        Path script = Files.writeString(dir.resolve("export_features.py"), EXPORT); // torch.jit.script reads the source
        Process p = new ProcessBuilder(python.toString(), script.toString(), file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int status = p.waitFor();
        Assumptions.assumeTrue(status == 0 || !output.contains("No module named 'torch'"),
                "needs Debian's PyTorch to export a TorchScript network (apt-get install python3-torch)");
        assertEquals(0, status, output);
        return file;
    }

    @Test
    void theImagesGetAGradientThroughTheNetworkWhichRunsInEvaluationMode(@TempDir Path dir) throws Exception {
        Path file = exportTinyNetwork(dir);
        try (NDManager m = NDManager.newBaseManager(); TorchScriptFeatures net = TorchScriptFeatures.load(file)) {
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 1, 8, 8));
            images.setRequiresGradient(true);
            List<NDArray> first;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                first = net.features(images);
                assertEquals(List.of(new Shape(2, 4, 8, 8), new Shape(2, 8, 4, 4)),
                        List.of(first.get(0).getShape(), first.get(1).getShape()));
                gc.backward(first.get(1).square().sum());
            }
            float gradient = images.getGradient().abs().sum().getFloat();
            assertTrue(gradient > 0, "no gradient reached the images through the TorchScript network");
            // evaluation mode: dropout is off, so the same images give the same features
            List<NDArray> second = net.features(images);
            assertEquals(0f, first.get(1).sub(second.get(1)).abs().max().getFloat(), 0f);
        }
    }

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
