package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tokenlab.magvit.MagvitConfig;
import org.tokenlab.magvit2.Magvit2Config;

/**
 * The models compared, each named as its PyTorch twin in bench/python/torch_models.py. The
 * {@code magvit2-gpu-*} rows run only when named with {@code --models}: a step of the gpu()-sized
 * tokenizer takes tens of seconds on 2 cores, minutes with the default warm-up and rounds.
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
    MAGVIT2_TRAIN("magvit2-train", "MAGVIT-v2 cpu() (causal 3D, LFQ d = 12, exact entropy), batch 4x1x9x32x32, L1 + LFQ "
            + "loss, Adam", m -> new Magvit2Training(m, Magvit2Config.cpu(), Magvit2Training.CPU_BATCH)),
    MAGVIT2_GPU_TRAIN("magvit2-gpu-train", "MAGVIT-v2 gpu() (LFQ d = 18, entropy in 2 x 9-bit groups), batch "
            + "1x1x17x64x64, L1 + LFQ loss, Adam (on request: tens of seconds a step)",
            m -> new Magvit2Training(m, Magvit2Config.gpu(), Magvit2Training.GPU_BATCH)),
    MAGVIT2_GPU_LFQ("magvit2-gpu-lfq", "gpu()'s LFQ alone on magvit2-gpu-train's latents 1x18x5x16x16, forward + "
            + "backward (on request; its share of magvit2-gpu-train is printed when both run)",
            m -> new LookupFreeQuantizerStep(m, Magvit2Config.gpu(), Magvit2Training.GPU_BATCH)),
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

    /** Whether a run without {@code --models} compares it (all but the gpu-sized rows). */
    boolean byDefault() {
        return this != MAGVIT2_GPU_TRAIN && this != MAGVIT2_GPU_LFQ;
    }

    /**
     * The model whose step contains this one's, so that this one's share of it can be stated
     * ({@code magvit2-gpu-lfq} in {@code magvit2-gpu-train}), or null.
     */
    Model wholeStep() {
        return this == MAGVIT2_GPU_LFQ ? MAGVIT2_GPU_TRAIN : null;
    }

    /** The models a run without {@code --models} compares, in order. */
    static List<Model> defaults() {
        return Arrays.stream(values()).filter(Model::byDefault).toList();
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
