package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scopes;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.nn.VqganDecoder;
import org.tokenlab.nn.VqganEncoder;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.quantize.ResidualQuantizer;

/**
 * The shape every convolutional VQ tokenizer of the tutorials shares: an encoder, a 1x1 (or 1x1x1)
 * convolution to the code dimension, any {@link Quantizer}, a 1x1 convolution back, and a decoder.
 * {@link VqganTokenizer} is its 2D form over images {@code (B, C, H, W)};
 * {@code org.tokenlab.magvit.MagvitTokenizer} its 3D form over videos {@code (B, C, T, H, W)}. What
 * they share lives here once: the forward pass with its {@link TokenizerOutput}, {@code encode} and
 * {@code decode} without a graph, {@link #freezeTokens}, the decoder's last layer for the adaptive
 * GAN weight, the configuration a checkpoint checks and the quantizer's state; so one
 * {@code org.tokenlab.train.GanTrainer} trains both.
 *
 * <p>Parameter names are the same in 2D and 3D ({@code encoder_conv_in_weight},
 * {@code quant_conv_weight}, ...), which is what lets a 3D tokenizer be inflated from a trained 2D
 * checkpoint ({@link org.tokenlab.nn.Inflation#remap()}).
 */
public abstract class QuantizedAutoencoder extends AbstractBlock implements TrainableTokenizer {

    private final Quantizer quantizer;
    private final SpatialRank rank;
    private final int imageChannels;
    private final VqganEncoder encoder;
    private final Block quantConv;
    private final Block postQuantConv;
    private final VqganDecoder decoder;
    private volatile boolean tokensFrozen;
    /** Each token-side parameter's own setting, saved by {@link #freezeTokens}(true) and given back by (false). */
    private final Map<Parameter, Boolean> trainableBeforeFreeze = new IdentityHashMap<>();

    /**
     * Wires {@code encoder -> quant_conv -> quantizer -> post_quant_conv -> decoder}; encoder and
     * decoder must be of {@code rank} and share one architecture, {@code latentChannels} wide, for
     * inputs of {@code imageChannels} channels.
     */
    protected QuantizedAutoencoder(VqganEncoder encoder, VqganDecoder decoder, Quantizer quantizer, SpatialRank rank,
            int imageChannels, int latentChannels) {
        this.quantizer = Checks.notNull(quantizer, "quantizer");
        this.rank = Checks.notNull(rank, "rank");
        this.imageChannels = imageChannels;
        this.encoder = addChildBlock("encoder", encoder);
        quantConv = addChildBlock("quant_conv", rank.sameConvolution(quantizer.codeDimension(), 1));
        if (quantizer instanceof Block) {
            addChildBlock("quantizer", (Block) quantizer);
        }
        postQuantConv = addChildBlock("post_quant_conv", rank.sameConvolution(latentChannels, 1));
        this.decoder = addChildBlock("decoder", decoder);
    }

    /** The architecture's settings for {@link #configuration()}, starting with {@code tokenizer -> class name}. */
    protected abstract Map<String, String> architecture();

    @Override
    public Quantizer quantizer() {
        return quantizer;
    }

    /** {@link SpatialRank#TWO} for images, {@link SpatialRank#THREE} for videos. */
    public SpatialRank spatialRank() {
        return rank;
    }

    @Override
    public int downsamplingFactor() {
        return encoder.downsamplingFactor();
    }

    /** How many frames one latent time step covers: 1 for images, {@code 2^k} after k time-halving steps. */
    public int temporalFactor() {
        return encoder.temporalFactor();
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
    public QuantizedAutoencoder freezeTokens(boolean freeze) {
        Checks.require(isInitialized(), "%s.freezeTokens needs an initialized tokenizer; initialize it (or create its "
                + "trainer) first", getClass().getSimpleName());
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
     * The configuration that builds this tokenizer again: the architecture and the quantizer's
     * settings under {@code quantizer.}; what a checkpoint stores and checks.
     */
    @Override
    public Map<String, String> configuration() {
        Map<String, String> out = new LinkedHashMap<>(architecture());
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
    @Override
    public NDArray lastLayerWeight() {
        return decoder.lastLayerWeight();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs.singletonOrThrow(), training).toList();
    }

    /**
     * The whole model on {@code pixels} {@code (B, C, H, W)} or {@code (B, C, T, H, W)}: the
     * reconstruction of the same shape, ids {@code (B, h, w)} or {@code (B, t, h, w)} (a residual
     * quantizer adds its level axis after the batch), the quantizer's loss {@code ()} and its parts. In
     * training mode the quantizer may update its state (unless {@link #freezeTokens frozen}); the engine
     * records a graph when called inside a gradient collector. The arrays belong to the pixels'
     * manager, temporaries included: run it in a scope.
     */
    @Override
    public TokenizerOutput forward(ParameterStore ps, NDArray pixels, boolean training) {
        Checks.notNull(pixels, "pixels"); // the encoder checks rank, channels and sizes
        NDArray z = codes(ps, pixels, training); // (B, D, [t,] h, w)
        QuantizerOutput q = quantizer.quantize(z, training && !tokensFrozen); // frozen: no codebook updates
        return TokenizerOutput.of(decodeCodes(ps, q.quantized(), training), q);
    }

    /** The encoder's features at the code dimension, {@code (B, D, [t,] h, w)}. */
    private NDArray codes(ParameterStore ps, NDArray pixels, boolean training) {
        NDArray h = encoder.forward(ps, new NDList(pixels), training).singletonOrThrow();
        return quantConv.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    private NDArray decodeCodes(ParameterStore ps, NDArray codes, boolean training) {
        NDArray h = postQuantConv.forward(ps, new NDList(codes), training).singletonOrThrow();
        return decoder.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    /** Token ids of {@code pixels} (see {@link #tokenShape}), without recording a graph. */
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

    /** Pixels drawn from ids of the shape {@link #encode} gives, without recording a graph. */
    @Override
    public NDArray decode(NDArray ids) {
        Checks.notNull(ids, "ids");
        Checks.require(ids.getShape().dimension() == gridRank(), "%s.decode expects %s, got shape %s; pass the ids "
                + "that encode gives", getClass().getSimpleName(), idLayout(), Checks.describe(ids.getShape()));
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(ids, () -> {
                NDArray codes = quantizer.indicesToCodes(ids); // (B, D, [t,] h, w)
                return decodeCodes(new ParameterStore(ids.getManager(), false), codes, false);
            });
        }
    }

    /**
     * The ids' shape for inputs shaped {@code input}: images {@code (B, C, H, W)} give
     * {@code (B, H/f, W/f)}, videos {@code (B, C, T, H, W)} give {@code (B, T/s, H/f, W/f)} for the
     * {@link #temporalFactor()} {@code s}; a residual quantizer of {@code Q} levels adds its axis after the batch.
     * {@code C} must be the config's {@code imageChannels}.
     *
     * @throws IllegalArgumentException for another rank or channel count, or sizes the factors do not
     *     divide (the message names the nearest sizes that fit)
     */
    @Override
    public Shape tokenShape(Shape input) {
        Checks.require(input == null || !rank.matches(input) || input.get(1) == imageChannels,
                "%s takes %s with %d channel(s) (config imageChannels), got shape %s", getClass().getSimpleName(),
                rank.inputs(), imageChannels, input == null ? "null" : Checks.describe(input));
        return rank == SpatialRank.TWO ? TokenGridShapes.imageTokens(this, input)
                : TokenGridShapes.videoTokens(this, temporalFactor(), input);
    }

    /**
     * The inverse of {@link #tokenShape}: inputs with {@code channels} channels whose ids are shaped
     * {@code tokens}; {@code channels} must be the config's {@code imageChannels}.
     */
    @Override
    public Shape inputShape(Shape tokens, int channels) {
        Checks.require(channels == imageChannels, "%s draws %s with %d channel(s) (config imageChannels), got "
                + "channels = %d; pass %d", getClass().getSimpleName(), rank.inputs(), imageChannels, channels,
                imageChannels);
        return rank == SpatialRank.TWO ? TokenGridShapes.imageInput(this, tokens, channels)
                : TokenGridShapes.videoInput(this, temporalFactor(), tokens, channels);
    }

    /** The rank of the ids: the grid's axes plus the batch axis, plus any axis the quantizer adds. */
    protected int gridRank() {
        return TokenGridShapes.gridRank(quantizer, rank.axes());
    }

    /** The ids this tokenizer's quantizer gives, as the error messages describe them. */
    protected String idLayout() {
        String grid = rank == SpatialRank.TWO ? "h, w" : "t, h, w";
        if (quantizer instanceof ResidualQuantizer residual) {
            return String.format("ids (B, Q, %s) with one id per residual level, 1 <= Q <= %d", grid, residual.depth());
        }
        return "token grids (B, " + grid + ")";
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
        long[] codes = latent.getShape().clone();
        codes[1] = quantizer.codeDimension();
        if (quantizer instanceof Block) {
            ((Block) quantizer).initialize(manager, dataType, new Shape(codes));
        }
        postQuantConv.initialize(manager, dataType, new Shape(codes));
        decoder.initialize(manager, dataType, latent);
    }
}
