package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.RecordText;
import org.tokenlab.internal.Scopes;
import org.tokenlab.nn.VqganDecoder;
import org.tokenlab.nn.VqganEncoder;
import org.tokenlab.nn.LevelsBuilder;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.quantize.ResidualQuantizer;

/**
 * The VQGAN tokenizer (Esser et al., "Taming Transformers"): a convolutional {@link VqganEncoder}, a 1x1
 * convolution to the code dimension, any {@link Quantizer}, a 1x1 convolution back, and a
 * {@link VqganDecoder}. Trained with reconstruction, perceptual and adversarial losses (see
 * {@code org.tokenlab.loss}); here only the model.
 *
 * <p>{@link #forward(ParameterStore, NDArray, boolean)} takes images {@code (B, C, H, W)} in [-1, 1]
 * and returns a {@link TokenizerOutput}: reconstruction {@code (B, C, H, W)}, ids {@code (B, h, w)},
 * the quantizer's loss {@code ()} and its named parts; the block's list-valued {@code forward} returns
 * the same as {@link TokenizerOutput#toList()}, read back with {@link TokenizerOutput#of(NDList)}. A
 * quantizer that is a block (a VQ codebook, a {@link ResidualQuantizer} and its levels) is a child
 * block and trains with the rest. With a residual quantizer of {@code Q} levels the ids are
 * {@code (B, Q, h, w)}, from {@link #encode} and for {@link #decode} alike; {@link #tokenShape} gives
 * the ids' shape of any image shape.
 *
 * <pre>{@code
 * jshell> var vqgan = VqganTokenizer.of(VqganConfig.defaults(), VectorQuantizer.builder().setCodebookSize(256).setCodeDimension(16).build());
 * jshell> vqgan.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
 * jshell> vqgan.tokenShape(new Shape(16, 1, 32, 32))   // (16, 8, 8)
 * jshell> vqgan.encode(images).getShape()              // (B, 8, 8)
 * }</pre>
 */
public final class VqganTokenizer extends AbstractBlock implements VisualTokenizer, Resumable {

    private final VqganConfig config;
    private final Quantizer quantizer;
    private final VqganEncoder encoder;
    private final Block quantConv;
    private final Block postQuantConv;
    private final VqganDecoder decoder;
    private volatile boolean tokensFrozen;
    /** Each token-side parameter's own setting, saved by {@link #freezeTokens}(true) and given back by (false). */
    private final Map<Parameter, Boolean> trainableBeforeFreeze = new IdentityHashMap<>();

    private VqganTokenizer(VqganConfig config, Quantizer quantizer) {
        this.config = config;
        this.quantizer = quantizer;
        int d = quantizer.codeDimension();
        encoder = addChildBlock("encoder", architecture(VqganEncoder.builder(), config).build());
        quantConv = addChildBlock("quant_conv", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(d).build());
        if (quantizer instanceof Block) {
            addChildBlock("quantizer", (Block) quantizer);
        }
        postQuantConv = addChildBlock("post_quant_conv",
                Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(config.latentChannels()).build());
        decoder = addChildBlock("decoder", architecture(VqganDecoder.builder(), config).build());
    }

    /** The same architecture for encoder and decoder: they must match. */
    private static <B extends LevelsBuilder<B>> B architecture(B builder, VqganConfig config) {
        return builder.setImageChannels(config.imageChannels()).setLatentChannels(config.latentChannels())
                .optBaseChannels(config.baseChannels()).optChannelMultipliers(config.channelMultipliers())
                .optResidualBlocks(config.residualBlocks()).optAttention(config.attention()).optGroups(config.groups());
    }

    /** A tokenizer of {@code config}'s architecture around {@code quantizer}. */
    public static VqganTokenizer of(VqganConfig config, Quantizer quantizer) {
        Checks.notNull(config, "config");
        Checks.notNull(quantizer, "quantizer");
        return new VqganTokenizer(config, quantizer);
    }

    public VqganConfig config() {
        return config;
    }

    @Override
    public Quantizer quantizer() {
        return quantizer;
    }

    @Override
    public int downsamplingFactor() {
        return encoder.downsamplingFactor();
    }

    /**
     * Freezes (or unfreezes) everything that decides the tokens: the encoder, the convolution to the
     * code dimension and the quantizer, whose training-mode state updates (EMA, dead-code
     * replacement) are also suspended. Training then changes only the decoder side, so
     * {@link #encode} gives the same ids before and after: the way to fine-tune the decoder (for
     * instance with the adversarial loss) without invalidating tokens a second stage is trained on.
     * Unfreezing gives every parameter back the setting it had before freezing: statistics that never
     * take a gradient (an EMA codebook's counts and sums) stay without one. Must be called after the
     * tokenizer is initialized.
     */
    public VqganTokenizer freezeTokens(boolean freeze) {
        Checks.require(isInitialized(), "VqganTokenizer.freezeTokens needs an initialized tokenizer; "
                + "initialize it (or create its trainer) first");
        if (freeze == tokensFrozen) {
            return this;
        }
        if (freeze) {
            trainableBeforeFreeze.clear();
            tokenSide().forEach(p -> trainableBeforeFreeze.put(p, p.requiresGradient()));
        }
        tokenSide().forEach(p -> p.freeze(freeze || !trainableBeforeFreeze.getOrDefault(p, true)));
        tokensFrozen = freeze;
        return this;
    }

    /** The parameters that decide the tokens: the encoder's, the code convolution's and the quantizer's. */
    private List<Parameter> tokenSide() {
        List<Parameter> side = new ArrayList<>();
        encoder.getParameters().values().forEach(side::add);
        quantConv.getParameters().values().forEach(side::add);
        if (quantizer instanceof Block) {
            ((Block) quantizer).getParameters().values().forEach(side::add);
        }
        return side;
    }

    /** Whether {@link #freezeTokens} froze the encoder side. */
    public boolean tokensFrozen() {
        return tokensFrozen;
    }

    /**
     * The configuration that builds this tokenizer again: the architecture ({@link VqganConfig}) and
     * the quantizer's settings under {@code quantizer.}; what a checkpoint stores and checks.
     */
    public Map<String, String> configuration() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("tokenizer", "VqganTokenizer");
        out.putAll(RecordText.components(config));
        quantizer.configuration().forEach((k, v) -> out.put("quantizer." + k, v));
        return out;
    }

    /** The state of a quantizer that is not a block (an LFQ's annealing step); block quantizers are child blocks. */
    @Override
    public void saveState(TrainingState state) {
        if (!(quantizer instanceof Block) && quantizer instanceof Resumable r) {
            r.saveState(state.child("quantizer"));
        }
    }

    @Override
    public void loadState(TrainingState state) {
        if (!(quantizer instanceof Block) && quantizer instanceof Resumable r) {
            r.loadState(state.child("quantizer"));
        }
    }

    /** The decoder's last convolution weight: where the adaptive GAN weight compares gradients. */
    public NDArray lastLayerWeight() {
        return decoder.lastLayerWeight();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs.singletonOrThrow(), training).toList();
    }

    /**
     * The whole model on {@code pixels (B, C, H, W)}: reconstruction {@code (B, C, H, W)}, ids
     * {@code (B, h, w)} (or {@code (B, Q, h, w)}), the quantizer's loss {@code ()} and its parts. In
     * training mode the quantizer may update its state (unless {@link #freezeTokens frozen}); the
     * engine records a graph when called inside a gradient collector. The arrays belong to the
     * pixels' manager, temporaries included: run it in a scope.
     */
    public TokenizerOutput forward(ParameterStore ps, NDArray pixels, boolean training) {
        Checks.notNull(pixels, "pixels"); // the encoder checks channels and size
        NDArray z = codes(ps, pixels, training); // (B, D, h, w)
        QuantizerOutput q = quantizer.quantize(z, training && !tokensFrozen); // frozen: no codebook updates
        return TokenizerOutput.of(decodeCodes(ps, q.quantized(), training), q);
    }

    /** The encoder's features at the code dimension, {@code (B, D, h, w)}. */
    private NDArray codes(ParameterStore ps, NDArray pixels, boolean training) {
        NDArray h = encoder.forward(ps, new NDList(pixels), training).singletonOrThrow();
        return quantConv.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    /** Token ids {@code (B, h, w)} of images {@code (B, C, H, W)}, without recording a graph. */
    @Override
    public NDArray encode(NDArray pixels) {
        Checks.notNull(pixels, "pixels");
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(pixels, () -> { // activations are freed; only the ids are kept
                NDArray z = codes(new ParameterStore(pixels.getManager(), false), pixels, false);
                return quantizer.quantize(z, false).indices();
            });
        }
    }

    /**
     * Images {@code (B, C, H, W)} of ids {@code (B, h, w)}, or {@code (B, Q', h, w)} for a residual
     * quantizer, without recording a graph.
     */
    @Override
    public NDArray decode(NDArray ids) {
        Checks.notNull(ids, "ids");
        int rank = TokenGridShapes.gridRank(quantizer);
        Checks.require(ids.getShape().dimension() == rank, "VqganTokenizer.decode expects %s, got shape %s; pass "
                + "the ids that encode gives", idLayout(), Checks.describe(ids.getShape()));
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(ids, () -> {
                NDArray codes = quantizer.indicesToCodes(ids); // (B, D, h, w)
                return decodeCodes(new ParameterStore(ids.getManager(), false), codes, false);
            });
        }
    }

    /**
     * Images {@code (B, C, H, W)} with {@code C} of this tokenizer's {@link VqganConfig#imageChannels()}
     * give ids {@code (B, H/f, W/f)}, or {@code (B, Q, H/f, W/f)} for a residual quantizer of {@code Q} levels.
     *
     * @throws IllegalArgumentException for another rank or channel count, or sizes {@code f} does not divide
     */
    @Override
    public Shape tokenShape(Shape input) {
        Checks.require(input == null || input.dimension() != 4 || input.get(1) == config.imageChannels(),
                "VqganTokenizer takes images with %d channel(s) (config imageChannels), got shape %s",
                config.imageChannels(), input == null ? "null" : Checks.describe(input));
        return VisualTokenizer.super.tokenShape(input);
    }

    /**
     * Images {@code (B, C, h*f, w*f)} of ids {@code (B, h, w)} or {@code (B, Q', h, w)}; {@code channels}
     * must be this tokenizer's {@link VqganConfig#imageChannels()}.
     */
    @Override
    public Shape inputShape(Shape tokens, int channels) {
        Checks.require(channels == config.imageChannels(), "VqganTokenizer draws images with %d channel(s) "
                + "(config imageChannels), got channels = %d; pass %d", config.imageChannels(), channels,
                config.imageChannels());
        return VisualTokenizer.super.inputShape(tokens, channels);
    }

    /** The ids this tokenizer's quantizer gives, as the error messages describe them. */
    private String idLayout() {
        if (quantizer instanceof ResidualQuantizer residual) {
            return String.format("ids (B, Q, h, w) with one id per residual level, 1 <= Q <= %d", residual.depth());
        }
        return "token grids (B, h, w)";
    }

    private NDArray decodeCodes(ParameterStore ps, NDArray codes, boolean training) {
        NDArray h = postQuantConv.forward(ps, new NDList(codes), training).singletonOrThrow();
        return decoder.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    /**
     * The shapes of the reconstruction, the ids and the quantizer loss; the loss parts that follow in
     * {@code forward}'s list are scalars whose number depends on the quantizer.
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s, tokenShape(s), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape pixels = inputShapes[0];
        encoder.initialize(manager, dataType, pixels);
        Shape latent = encoder.getOutputShapes(new Shape[] {pixels})[0];
        quantConv.initialize(manager, dataType, latent);
        Shape codes = new Shape(latent.get(0), quantizer.codeDimension(), latent.get(2), latent.get(3));
        if (quantizer instanceof Block) {
            ((Block) quantizer).initialize(manager, dataType, codes);
        }
        postQuantConv.initialize(manager, dataType, codes);
        decoder.initialize(manager, dataType, latent);
    }
}
