package org.tokenlab.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.RecordText;
import org.tokenlab.nn.LevelsBuilder;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.nn.VqganDecoder;
import org.tokenlab.nn.VqganEncoder;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.ResidualQuantizer;

/**
 * The VQGAN tokenizer (Esser et al., "Taming Transformers"): a convolutional {@link VqganEncoder}, a 1x1
 * convolution to the code dimension, any {@link Quantizer}, a 1x1 convolution back, and a
 * {@link VqganDecoder}: the 2D {@link QuantizedAutoencoder}. Trained with reconstruction, perceptual and adversarial losses (see
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
public final class VqganTokenizer extends QuantizedAutoencoder {

    private final VqganConfig config;

    private VqganTokenizer(VqganConfig config, Quantizer quantizer) {
        super(architecture(VqganEncoder.builder(), config).build(), architecture(VqganDecoder.builder(), config).build(),
                quantizer, SpatialRank.TWO, config.imageChannels(), config.latentChannels());
        this.config = config;
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
    public VqganTokenizer freezeTokens(boolean freeze) {
        super.freezeTokens(freeze);
        return this;
    }

    /** {@code tokenizer -> VqganTokenizer} and the {@link VqganConfig}'s components by name. */
    @Override
    protected Map<String, String> architecture() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tokenizer", "VqganTokenizer");
        out.putAll(RecordText.components(config));
        return out;
    }
}
