package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tokenlab.magvit.MagvitConfig;

/**
 * The models compared, each named as its PyTorch twin in bench/python/torch_models.py.
 */
enum Model {
    VQGAN_TRAIN("vqgan-train", "VQGAN defaults + VQ 256x16, batch 32x1x32x32, L1 + VQ loss, Adam", VqganTraining::new),
    VQGAN_FORWARD("vqgan-forward", "VQGAN defaults: decode(encode(x)), no gradient, batch 32x1x32x32", VqganCoding::new),
    MAGVIT_TRAIN("magvit-train", "MAGVIT 3D defaults (reflect) + VQ 256x16, batch 4x1x8x32x32, L1 + VQ loss, Adam",
            m -> new MagvitTraining(m, MagvitConfig.defaults())),
    MAGVIT_FORWARD("magvit-forward", "MAGVIT 3D defaults (reflect): decode(encode(x)), no gradient, batch 4x1x8x32x32",
            MagvitCoding::new),
    MAGVIT_ZEROS_TRAIN("magvit-zeros-train", "magvit-train but zero padding (magvit-train / this: what reflection costs)",
            m -> new MagvitTraining(m, MagvitTraining.zeroPadded())),
    MASKGIT_TRAIN("maskgit-train", "MaskedTokenTransformer 4 layers x 256 (8 heads), 1024 codes, [task][class] + 4x16x16 grid, "
            + "batch 8, cosine random masking, MaskedTokenLoss, Adam", MaskGitTraining::new),
    CONV_STACK_TRAIN("conv-stack-train", "4 conv3x3 1-64-64-64-1 + ReLU, batch 32x1x32x32, MSE, Adam",
            m -> new ReconstructionTraining(m, SmallNetworks.convStack(), new Shape(32, 1, 32, 32))),
    AUTOENCODER_TRAIN("autoencoder-train", "2 strided conv down, 2 nearest x2 + conv up, batch 64x1x32x32, MSE, Adam",
            m -> new ReconstructionTraining(m, SmallNetworks.autoencoder(), new Shape(64, 1, 32, 32))),
    CONV_FORWARD("conv-forward", "1 conv3x3 64->64 forward, no gradient, input 64x64x16x16", ConvForward::new);

    private final String id;
    private final String description;
    private final Function<NDManager, Workload> factory;

    Model(String id, String description, Function<NDManager, Workload> factory) {
        this.id = id;
        this.description = description;
        this.factory = factory;
    }

    /** The name on the command line and in the PyTorch worker. */
    String id() {
        return id;
    }

    String description() {
        return description;
    }

    /** The Java side, its arrays on a sub-manager of {@code manager}. */
    Workload create(NDManager manager) {
        return factory.apply(manager);
    }

    /** The model called {@code id}; the message lists the known names. */
    static Model named(String id) {
        for (Model m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "'; known models: " + ids());
    }

    static String ids() {
        return Arrays.stream(values()).map(Model::id).collect(Collectors.joining(", "));
    }
}
