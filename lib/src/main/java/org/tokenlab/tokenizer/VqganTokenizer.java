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
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scopes;
import org.tokenlab.nn.Decoder;
import org.tokenlab.nn.Encoder;
import org.tokenlab.nn.LevelsBuilder;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;
import org.tokenlab.quantize.ResidualQuantizer;

/**
 * The VQGAN tokenizer (Esser et al., "Taming Transformers"): a convolutional {@link Encoder}, a 1x1
 * convolution to the code dimension, any {@link Quantizer}, a 1x1 convolution back, and a
 * {@link Decoder}. Trained with reconstruction, perceptual and adversarial losses (see
 * {@code org.tokenlab.loss}); here only the model.
 *
 * <p>{@link #forward} takes images {@code (B, C, H, W)} in [-1, 1] and returns
 * {@code (reconstruction (B, C, H, W), indices (B, h, w), quantizer loss ())}. A quantizer that is a
 * block (a VQ codebook, a {@link ResidualQuantizer} and its levels) is a child block and trains with
 * the rest. With a residual quantizer of {@code Q} levels the ids are {@code (B, Q, h, w)}, from
 * {@link #encode} and for {@link #decode} alike.
 *
 * <pre>{@code
 * jshell> var vqgan = VqganTokenizer.of(VqganConfig.defaults(), VectorQuantizer.builder().setCodebookSize(256).setCodeDimension(16).build());
 * jshell> vqgan.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
 * jshell> vqgan.encode(images).getShape()     // (B, 8, 8)
 * }</pre>
 */
public final class VqganTokenizer extends AbstractBlock implements VisualTokenizer, Resumable {

    private final VqganConfig config;
    private final Quantizer quantizer;
    private final Encoder encoder;
    private final Block quantConv;
    private final Block postQuantConv;
    private final Decoder decoder;
    private volatile boolean tokensFrozen;
    /** Each token-side parameter's own setting, saved by {@link #freezeTokens}(true) and given back by (false). */
    private final Map<Parameter, Boolean> trainableBeforeFreeze = new IdentityHashMap<>();

    private VqganTokenizer(VqganConfig config, Quantizer quantizer) {
        this.config = config;
        this.quantizer = quantizer;
        int d = quantizer.codeDimension();
        encoder = addChildBlock("encoder", architecture(Encoder.builder(), config).build());
        quantConv = addChildBlock("quant_conv", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(d).build());
        if (quantizer instanceof Block) {
            addChildBlock("quantizer", (Block) quantizer);
        }
        postQuantConv = addChildBlock("post_quant_conv",
                Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(config.latentChannels()).build());
        decoder = addChildBlock("decoder", architecture(Decoder.builder(), config).build());
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
        for (java.lang.reflect.RecordComponent c : VqganConfig.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(config);
                out.put(c.getName(), v instanceof int[] a ? java.util.Arrays.toString(a) : String.valueOf(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + config, e);
            }
        }
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
        NDArray pixels = inputs.singletonOrThrow(); // the encoder checks channels and size
        NDArray h = encoder.forward(ps, new NDList(pixels), training).singletonOrThrow();
        NDArray z = quantConv.forward(ps, new NDList(h), training).singletonOrThrow(); // (B, D, h, w)
        QuantizerOutput q = quantizer.quantize(z, training && !tokensFrozen); // frozen: no codebook updates
        NDArray reconstruction = decodeCodes(ps, q.quantized(), training);
        return new NDList(reconstruction, q.indices(), q.loss());
    }

    @Override
    public NDArray encode(NDArray pixels) {
        Checks.notNull(pixels, "pixels");
        return Scopes.keepResult(pixels, () -> { // activations are freed; only the ids are kept
            ParameterStore ps = new ParameterStore(pixels.getManager(), false);
            NDArray h = encoder.forward(ps, new NDList(pixels), false).singletonOrThrow();
            NDArray z = quantConv.forward(ps, new NDList(h), false).singletonOrThrow();
            return quantizer.quantize(z, false).indices();
        });
    }

    /** Images {@code (B, C, H, W)} of ids {@code (B, h, w)}, or {@code (B, Q', h, w)} for a residual quantizer. */
    @Override
    public NDArray decode(NDArray ids) {
        Checks.notNull(ids, "ids");
        int rank = quantizer.indexShape(new Shape(1, quantizer.codeDimension(), 1, 1)).dimension();
        Checks.require(ids.getShape().dimension() == rank, "VqganTokenizer.decode expects %s, got shape %s; pass "
                + "the ids that encode gives", idLayout(), Checks.describe(ids.getShape()));
        return Scopes.keepResult(ids, () -> {
            NDArray codes = quantizer.indicesToCodes(ids); // (B, D, h, w)
            return decodeCodes(new ParameterStore(ids.getManager(), false), codes, false);
        });
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

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        int f = downsamplingFactor();
        Shape codes = new Shape(s.get(0), quantizer.codeDimension(), s.get(2) / f, s.get(3) / f);
        return new Shape[] {s, quantizer.indexShape(codes), new Shape()};
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
