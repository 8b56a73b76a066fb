package org.tokenlab.magvit2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.RecordText;
import org.tokenlab.internal.Scopes;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.tokenizer.TokenizerOutput;
import org.tokenlab.tokenizer.TrainableTokenizer;

/**
 * MAGVIT-v2's video tokenizer (Yu et al., "Language Model Beats Diffusion: Tokenizer is Key to Visual
 * Generation", arXiv 2310.05737, Section 3): a causal 3D CNN encoder, lookup-free quantization and a
 * decoder whose group norms are modulated by the quantized latents, so that one tokenizer serves
 * images and videos alike. A clip {@code (B, C, 1 + s*k, H, W)} in [-1, 1] becomes ids
 * {@code (B, 1 + k, H/f, W/f)} of {@code d} bits each; an image {@code (B, C, H, W)} is a clip of one
 * frame and becomes {@code (B, 1, H/f, W/f)}. Because every layer is causal in time, the tokens of
 * latent frame {@code j} depend on frames {@code <= j*s} only: the first frame's tokens are the
 * image's tokens, and a clip can be extended without changing the tokens before.
 *
 * <p>The blocks: {@link org.tokenlab.nn.CausalConv3d} (stem, residual blocks, strided down-sampling in
 * space and, where {@link Magvit2Config#temporalDownsampling()} says, in time), a
 * {@link LookupFreeQuantizer} on the encoder's {@code d} channels (no code convolution: the encoder's
 * last convolution maps to {@code d}), and in the decoder {@link org.tokenlab.nn.AdaptiveGroupNorm}
 * and {@link org.tokenlab.nn.DepthToSpaceUpsample}. Training: reconstruction plus the LFQ's
 * {@code "commitment"} and {@code "entropy"} loss parts ({@link TokenizerOutput}), the entropy
 * weight annealed by training step when the config says so; {@code org.tokenlab.train.GanTrainer}
 * adds the perceptual and GAN terms (with the 3D {@code StyleGanDiscriminator} and LeCam), as for
 * MAGVIT. Save and load with {@code Checkpoint.save(file, tokenizer, tokenizer.configuration())} and
 * {@code Checkpoint.load}; the quantizer's annealing step is saved with it.
 *
 * <pre>{@code
 * jshell> var magvit2 = Magvit2Tokenizer.of(Magvit2Config.smoke());
 * jshell> magvit2.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 5, 16, 16));
 * jshell> magvit2.tokenShape(new Shape(2, 1, 17, 16, 16))   // (2, 5, 4, 4)
 * jshell> magvit2.decode(magvit2.encode(clips)).getShape()  // the clips' shape
 * }</pre>
 *
 * <p>Where this differs from the paper: the group norms compute their statistics frame by frame (the
 * paper does not say; statistics over all frames would make the first frame's tokens depend on later
 * frames); the adaptive group norm modulates each position by the latent it was decoded from, not by
 * statistics of all latents; no attention, no perceptual network of its own and no LeCam inside the
 * tokenizer (the trainer holds them); and the preset widths are smaller (see {@link Magvit2Config}).
 */
public final class Magvit2Tokenizer extends AbstractBlock implements TrainableTokenizer {

    private final Magvit2Config config;
    private final Quantizer quantizer;
    private final Magvit2Encoder encoder;
    private final Magvit2Decoder decoder;

    private Magvit2Tokenizer(Magvit2Config config) {
        this.config = config;
        this.quantizer = config.quantizer();
        this.encoder = addChildBlock("encoder", new Magvit2Encoder(config));
        this.decoder = addChildBlock("decoder", new Magvit2Decoder(config));
        if (quantizer instanceof Block block) {   // VQ's codebook; after encoder and decoder, whose names stay as with LFQ
            addChildBlock("quantizer", block);
        }
    }

    /**
     * A tokenizer of {@code config}'s plan with a new quantizer of its settings: a
     * {@link LookupFreeQuantizer}, or for {@link QuantizerKind#VECTOR} a VQ codebook of the same
     * vocabulary (see {@link Magvit2Config}).
     */
    public static Magvit2Tokenizer of(Magvit2Config config) {
        Checks.notNull(config, "config");
        return new Magvit2Tokenizer(config);
    }

    public Magvit2Config config() {
        return config;
    }

    /** The quantizer: {@code 2^d} codes, a {@link LookupFreeQuantizer} or, for {@link QuantizerKind#VECTOR}, a VQ. */
    @Override
    public Quantizer quantizer() {
        return quantizer;
    }

    /**
     * The lookup-free quantizer, with its entropy weight and annealing step.
     *
     * @throws IllegalStateException for a VQ tokenizer ({@link QuantizerKind#VECTOR})
     */
    public LookupFreeQuantizer lookupFreeQuantizer() {
        if (quantizer instanceof LookupFreeQuantizer lfq) {
            return lfq;
        }
        throw new IllegalStateException("this Magvit2Tokenizer quantizes with a VQ codebook (QuantizerKind.VECTOR), "
                + "not LFQ; use quantizer()");
    }

    @Override
    public int downsamplingFactor() {
        return config.spatialFactor();
    }

    /** The temporal factor {@code s}: {@code 1 + s*k} frames become {@code 1 + k} latent frames. */
    public int temporalFactor() {
        return config.temporalFactor();
    }

    /**
     * The whole model on images {@code (B, C, H, W)} or clips {@code (B, C, 1 + s*k, H, W)}: the
     * reconstruction in the input's shape, ids {@code (B, 1 + k, H/f, W/f)} ({@code (B, 1, H/f, W/f)}
     * for images), the quantizer's loss {@code ()} and its parts {@code "commitment"} and
     * {@code "entropy"}. A training call advances the entropy annealing by one step. The arrays
     * belong to the pixels' manager, temporaries included: run it in a scope.
     *
     * @throws IllegalArgumentException for inputs {@link #tokenShape} refuses, or, in training, a
     *     batch whose exact batch entropy would take more than {@link Magvit2Config#ENTROPY_MEMORY_BYTES}
     */
    @Override
    public TokenizerOutput forward(ParameterStore ps, NDArray pixels, boolean training) {
        Checks.notNull(pixels, "pixels");
        Shape ids = tokenShape(pixels.getShape());
        if (training && quantizer instanceof LookupFreeQuantizer) {
            checkEntropyFits(ids.size());
        }
        boolean image = pixels.getShape().dimension() == 4;
        NDArray clip = image ? pixels.expandDims(2) : pixels;                       // (B, C, T, H, W)
        NDArray z = encoder.forward(ps, new NDList(clip), training).singletonOrThrow();   // (B, d, t, h, w)
        QuantizerOutput q = quantizer.quantize(z, training);
        NDArray reconstruction = decoder.forward(ps, new NDList(q.quantized()), training).singletonOrThrow();
        return TokenizerOutput.of(image ? reconstruction.squeeze(2) : reconstruction, q);
    }

    /** Fails when the batch entropy over {@code tokens} tokens would not fit, naming the way out. */
    private void checkEntropyFits(long tokens) {
        long bytes = config.entropyBytes(tokens);
        Checks.require(bytes <= Magvit2Config.ENTROPY_MEMORY_BYTES, "Magvit2Tokenizer: the batch entropy of %d tokens "
                        + "over groups of %d bits would keep about %s of tables for the backward pass (limit %s); use "
                        + "smaller entropy sub-groups: Magvit2Config.builder()...optEntropyMode(EntropyMode.SUBGROUPS)"
                        + ".optEntropyGroupBits(%d), or fewer tokens per batch", tokens, lookupFreeQuantizer().groupBits(),
                Magvit2Config.describeBytes(bytes), Magvit2Config.describeBytes(Magvit2Config.ENTROPY_MEMORY_BYTES),
                Math.max(1, Math.min(lookupFreeQuantizer().groupBits() - 2, 9)));
    }

    /**
     * Token ids {@code (B, 1 + k, H/f, W/f)} int64 of clips {@code (B, C, 1 + s*k, H, W)}, or
     * {@code (B, 1, H/f, W/f)} of images {@code (B, C, H, W)}, without recording a graph; owned by the
     * pixels' manager.
     */
    @Override
    public NDArray encode(NDArray pixels) {
        Checks.notNull(pixels, "pixels");
        tokenShape(pixels.getShape());
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(pixels, () -> {
                NDArray clip = pixels.getShape().dimension() == 4 ? pixels.expandDims(2) : pixels;
                ParameterStore ps = new ParameterStore(pixels.getManager(), false);
                NDArray z = encoder.forward(ps, new NDList(clip), false).singletonOrThrow();
                return quantizer.quantize(z, false).indices();
            });
        }
    }

    /**
     * Clips {@code (B, C, 1 + s*(t - 1), h*f, w*f)} drawn from ids {@code (B, t, h, w)}, without
     * recording a graph; owned by the ids' manager. Ids of one latent frame give one-frame clips.
     *
     * @throws IllegalArgumentException for ids of another rank or outside {@code [0, 2^d)}
     */
    @Override
    public NDArray decode(NDArray ids) {
        Checks.notNull(ids, "ids");
        Checks.require(ids.getShape().dimension() == 4, "Magvit2Tokenizer.decode expects token grids (B, t, h, w), got "
                + "shape %s; pass the ids that encode gives (an image's have t = 1)", Checks.describe(ids.getShape()));
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(ids, () -> {
                NDArray codes = quantizer.indicesToCodes(ids);                           // (B, d, t, h, w)
                ParameterStore ps = new ParameterStore(ids.getManager(), false);
                return decoder.forward(ps, new NDList(codes), false).singletonOrThrow();
            });
        }
    }

    /**
     * The ids' shape for inputs shaped {@code input}: clips {@code (B, C, 1 + s*k, H, W)} give
     * {@code (B, 1 + k, H/f, W/f)}, images {@code (B, C, H, W)} give {@code (B, 1, H/f, W/f)}.
     *
     * @throws IllegalArgumentException for another rank or channel count, a frame count that is not
     *     {@code 1 + s*k} (the nearest that are named), or H and W that are not multiples of {@code f}
     */
    @Override
    public Shape tokenShape(Shape input) {
        Checks.notNull(input, "input");
        String given = Checks.describe(input);
        Checks.require(input.dimension() == 4 || input.dimension() == 5, "Magvit2Tokenizer takes images (B, C, H, W) "
                + "or clips (B, C, 1 + %d*k, H, W), got shape %s", temporalFactor(), given);
        Shape clip = input.dimension() == 4 ? new Shape(input.get(0), input.get(1), 1, input.get(2), input.get(3)) : input;
        for (int axis = 0; axis < 5; axis++) {
            Checks.require(clip.get(axis) >= 1, "Magvit2Tokenizer expects positive sizes, got shape %s", given);
        }
        Checks.require(clip.get(1) == config.imageChannels(), "Magvit2Tokenizer takes inputs with %d channel(s) (config "
                + "imageChannels), got shape %s", config.imageChannels(), given);
        int s = temporalFactor();
        long frames = clip.get(2);
        Checks.require((frames - 1) % s == 0, "Magvit2Tokenizer encodes the first frame alone and then every %d frames "
                + "into one latent frame, so T must be 1 + %d*k, got T = %d in shape %s; use %s frames", s, s, frames,
                given, nearestFrames(frames, s));
        int f = downsamplingFactor();
        for (int axis = 3; axis <= 4; axis++) {
            long size = clip.get(axis);
            Checks.require(size % f == 0, "Magvit2Tokenizer covers %dx%d pixels with one token, so H and W must be "
                    + "multiples of %d, got %s = %d in shape %s; crop to %d or pad to %d", f, f, f, axis == 3 ? "H" : "W",
                    size, given, size / f * f, (size / f + 1) * f);
        }
        return new Shape(clip.get(0), 1 + (frames - 1) / s, clip.get(3) / f, clip.get(4) / f);
    }

    /** The valid frame counts {@code 1 + s*k} nearest to {@code frames}: one below (if any) and one above. */
    private static String nearestFrames(long frames, int s) {
        long below = 1 + (frames - 1) / s * s;
        long above = below + s;
        return below >= 1 && frames > 1 ? below + " or " + above : String.valueOf(above);
    }

    /**
     * The clips whose ids are shaped {@code tokens (B, t, h, w)}: {@code (B, C, 1 + s*(t - 1), h*f, w*f)}
     * with {@code C} the config's {@code imageChannels}.
     *
     * @throws IllegalArgumentException for another rank, non-positive sizes or another channel count
     */
    @Override
    public Shape inputShape(Shape tokens, int channels) {
        Checks.notNull(tokens, "tokens");
        Checks.require(tokens.dimension() == 4 && tokens.get(0) >= 1 && tokens.get(1) >= 1 && tokens.get(2) >= 1
                && tokens.get(3) >= 1, "Magvit2Tokenizer gives token grids (B, t, h, w) of positive sizes, got shape %s",
                Checks.describe(tokens));
        Checks.require(channels == config.imageChannels(), "Magvit2Tokenizer draws clips with %d channel(s) (config "
                + "imageChannels), got channels = %d", config.imageChannels(), channels);
        int f = downsamplingFactor();
        return new Shape(tokens.get(0), channels, 1 + temporalFactor() * (tokens.get(1) - 1), tokens.get(2) * f,
                tokens.get(3) * f);
    }

    /** The decoder's last convolution weight {@code (C, base, 3, 3, 3)}: where the adaptive GAN weight compares gradients. */
    @Override
    public NDArray lastLayerWeight() {
        return decoder.lastLayerWeight();
    }

    /** {@code tokenizer -> Magvit2Tokenizer}, the config's components, and the quantizer's settings under {@code quantizer.}. */
    @Override
    public Map<String, String> configuration() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tokenizer", "Magvit2Tokenizer");
        out.putAll(RecordText.components(config));
        quantizer.configuration().forEach((k, v) -> out.put("quantizer." + k, v));
        return out;
    }

    /** The LFQ's annealing step; a VQ codebook is a child block, saved with the parameters. */
    @Override
    public void saveState(TrainingState state) {
        if (quantizer instanceof LookupFreeQuantizer lfq) {
            lfq.saveState(state.child("quantizer"));
        }
    }

    @Override
    public void loadState(TrainingState state) {
        if (quantizer instanceof LookupFreeQuantizer lfq) {
            lfq.loadState(state.child("quantizer"));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs.singletonOrThrow(), training).toList();
    }

    /** The reconstruction's, the ids' and the quantizer loss's shapes; the loss parts that follow are scalars. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s, tokenShape(s), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        tokenShape(input);
        Shape clip = input.dimension() == 4 ? new Shape(input.get(0), input.get(1), 1, input.get(2), input.get(3)) : input;
        encoder.initialize(manager, dataType, clip);
        Shape latent = encoder.getOutputShapes(new Shape[] {clip})[0];   // (B, d, t, h, w)
        if (quantizer instanceof Block block) {
            block.initialize(manager, dataType, latent);
        }
        decoder.initialize(manager, dataType, latent);
    }
}
