package org.tokenlab.loss;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.tokenlab.internal.Checks;

/**
 * A {@link FeatureNetwork} from a TorchScript file you provide, loaded through DJL's PyTorch
 * engine from the local path only (nothing is downloaded). Export it in Python so that
 * {@code forward(images)} returns a list or tuple of feature maps, e.g. the five ReLU outputs of
 * VGG16 that LPIPS uses:
 *
 * <pre>
 *   class Features(torch.nn.Module):            # images (B, 3, H, W); normalize inside if needed
 *       def __init__(self):
 *           super().__init__()
 *           self.vgg = torchvision.models.vgg16(weights="DEFAULT").features.eval()
 *       def forward(self, x):
 *           out = []
 *           for i, layer in enumerate(self.vgg):
 *               x = layer(x)
 *               if i in (3, 8, 15, 22, 29): out.append(x)
 *           return out
 *   torch.jit.script(Features()).save("vgg16-features.pt")
 * </pre>
 *
 * TokenLab images are in [-1, 1]; an ImageNet network expects its own normalization, so put it in
 * the exported {@code forward}. The network runs in evaluation mode and is differentiable in the
 * images (gradients also reach the module's own weights, which nothing updates). Close this object to
 * free the native model.
 *
 * <pre>{@code
 * jshell> try (var vgg = TorchScriptFeatures.load(Path.of("vgg16-features.pt"))) {
 *    ...>     var perceptual = new PerceptualLoss(vgg);
 *    ...>     NDArray loss = perceptual.loss(reconstruction, images);   // train with it while vgg is open
 *    ...> }
 * }</pre>
 */
public final class TorchScriptFeatures implements FeatureNetwork, AutoCloseable {

    /**
     * Runs the TorchScript module in evaluation mode (dropout off, batch-norm statistics fixed) with
     * autograd recording, so that a loss on its features has a gradient in the images. DJL's
     * {@code forward(..., training=false)} runs the module without autograd (no gradient at all) and
     * {@code training=true} switches the module to training mode; its engine classes have the call
     * in between, reached here by reflection because the library compiles against DJL's API only.
     */
    private static final BiFunction<Block, NDList, NDList> EVALUATE_WITH_GRADIENT = evaluateWithGradient();

    private final Path file;
    private final ZooModel<NDList, NDList> model;

    private TorchScriptFeatures(Path file, ZooModel<NDList, NDList> model) {
        this.file = file;
        this.model = model;
    }

    /**
     * Loads the TorchScript file (a {@code torch.jit.save} archive, usually {@code .pt}).
     *
     * @throws IllegalArgumentException when the file is missing, unreadable or not TorchScript
     */
    public static TorchScriptFeatures load(Path file) {
        Checks.notNull(file, "file");
        Path absolute = file.toAbsolutePath().normalize();
        Checks.require(Files.isRegularFile(absolute),
                "TorchScriptFeatures expects a TorchScript file, but %s %s; export one in Python with "
                        + "torch.jit.script(module).save(path) (see the class javadoc) and pass its path",
                absolute, Files.isDirectory(absolute) ? "is a directory" : "does not exist");
        Checks.require(Files.isReadable(absolute), "TorchScriptFeatures cannot read %s; check its permissions", absolute);
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(absolute)
                .optEngine("PyTorch")
                .optTranslator(new NoopTranslator())
                // parameters loaded as ordinary tensors: DJL otherwise loads them as inference tensors,
                // which autograd cannot save, so no gradient could flow back to the images
                .optOption("trainParam", "true")
                .build();
        try {
            return new TorchScriptFeatures(absolute, criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("TorchScriptFeatures could not load " + absolute + " as TorchScript with the "
                    + "PyTorch engine: " + e.getMessage() + "; save it with torch.jit.save from a PyTorch version "
                    + "no newer than the engine's libtorch", e);
        }
    }

    private static BiFunction<Block, NDList, NDList> evaluateWithGradient() {
        try {
            Class<?> symbolBlock = Class.forName("ai.djl.pytorch.engine.PtSymbolBlock");
            MethodHandle evaluationMode = MethodHandles.publicLookup().findStatic(
                    Class.forName("ai.djl.pytorch.jni.JniUtils"), "enableInferenceMode",
                    MethodType.methodType(void.class, symbolBlock));
            MethodHandle run = MethodHandles.publicLookup().findStatic(
                    Class.forName("ai.djl.pytorch.jni.IValueUtils"), "forward",
                    MethodType.methodType(NDList.class, symbolBlock, NDList.class, boolean.class));
            return (block, inputs) -> {
                try {
                    evaluationMode.invoke(block);
                    return (NDList) run.invoke(block, inputs, true); // true: record autograd
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("TorchScriptFeatures could not run the module: " + t, t);
                }
            };
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("TorchScriptFeatures needs DJL's PyTorch engine on the class path "
                    + "(ai.djl.pytorch:pytorch-engine): " + e, e);
        }
    }

    /** The file the network was loaded from. */
    public Path file() {
        return file;
    }

    /**
     * The feature maps the exported {@code forward} returns for {@code images (B, C, H, W)}, each
     * {@code (B, C_l, H_l, W_l)}, owned by the images' manager.
     */
    @Override
    public List<NDArray> features(NDArray images) {
        Checks.rank(images, "TorchScriptFeatures images (B, C, H, W)", 4);
        NDList out = EVALUATE_WITH_GRADIENT.apply(model.getBlock(), new NDList(images));
        List<NDArray> maps = new ArrayList<>(out.size());
        for (NDArray map : out) {
            Checks.require(map.getShape().dimension() >= 2 && map.getShape().get(0) == images.getShape().get(0),
                    "TorchScriptFeatures expects %s to return feature maps (B, C_l, ...) with B = %d, got shape %s",
                    file, images.getShape().get(0), Checks.describe(map.getShape()));
            map.attach(images.getManager());
            maps.add(map);
        }
        return maps;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "TorchScriptFeatures(" + file + ")";
    }
}
