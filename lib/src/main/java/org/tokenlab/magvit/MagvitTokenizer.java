package org.tokenlab.magvit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.RecordText;
import org.tokenlab.nn.Inflation;
import org.tokenlab.nn.LevelsBuilder;
import org.tokenlab.nn.SpatialRank;
import org.tokenlab.nn.VqganDecoder;
import org.tokenlab.nn.VqganEncoder;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.tokenizer.QuantizedAutoencoder;
import org.tokenlab.tokenizer.VqganTokenizer;
import org.tokenlab.train.Checkpoint;

/**
 * MAGVIT's 3D VQ tokenizer (Yu et al., "MAGVIT: Masked Generative Video Transformer", CVPR 2023,
 * arXiv 2212.05199, Section 3.1): the VQGAN encoder and decoder with 3x3x3 convolutions, down-sampling
 * in space and, where {@link MagvitConfig#temporalDownsampling()} says, in time, and any
 * {@link Quantizer} in between; the 3D {@link QuantizedAutoencoder}. A clip {@code (B, C, T, H, W)} in
 * [-1, 1] becomes ids {@code (B, T/s, H/f, W/f)}: with the paper's plan, 16x64x64 frames become a
 * 4x16x16 grid of tokens. It trains with {@code org.tokenlab.train.GanTrainer}, as the 2D VQGAN does.
 *
 * <p>MAGVIT starts its 3D tokenizer from a trained 2D VQGAN: {@link #inflateFrom} copies a
 * {@link VqganTokenizer} checkpoint into this model, every 2D kernel inflated to 3D by an
 * {@link Inflation} ({@code CENTRAL} in the paper).
 *
 * <pre>{@code
 * jshell> var magvit = MagvitTokenizer.of(MagvitConfig.defaults(), VectorQuantizer.builder().setCodebookSize(256).setCodeDimension(16).build());
 * jshell> magvit.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 32, 32));
 * jshell> magvit.tokenShape(new Shape(4, 1, 8, 32, 32))   // (4, 4, 8, 8)
 * }</pre>
 */
public final class MagvitTokenizer extends QuantizedAutoencoder {

    /** The 2D settings a VQGAN checkpoint must share with this config to be inflated into it. */
    private static final List<String> SHARED = List.of("imageChannels", "baseChannels", "channelMultipliers",
            "residualBlocks", "attention", "groups", "latentChannels");

    private final MagvitConfig config;

    private MagvitTokenizer(MagvitConfig config, Quantizer quantizer) {
        super(architecture(VqganEncoder.builder(), config).build(), architecture(VqganDecoder.builder(), config).build(),
                quantizer, SpatialRank.THREE, config.imageChannels(), config.latentChannels());
        this.config = config;
    }

    /** The same architecture for encoder and decoder: they must match. */
    private static <B extends LevelsBuilder<B>> B architecture(B builder, MagvitConfig config) {
        return builder.setImageChannels(config.imageChannels()).setLatentChannels(config.latentChannels())
                .optBaseChannels(config.baseChannels()).optChannelMultipliers(config.channelMultipliers())
                .optResidualBlocks(config.residualBlocks()).optAttention(config.attention()).optGroups(config.groups())
                .optSpatialRank(SpatialRank.THREE).optTemporalDownsampling(config.temporalDownsampling())
                .optPadding(config.padding());
    }

    /** A tokenizer of {@code config}'s architecture around {@code quantizer}. */
    public static MagvitTokenizer of(MagvitConfig config, Quantizer quantizer) {
        Checks.notNull(config, "config");
        Checks.notNull(quantizer, "quantizer");
        return new MagvitTokenizer(config, quantizer);
    }

    public MagvitConfig config() {
        return config;
    }

    @Override
    public MagvitTokenizer freezeTokens(boolean freeze) {
        super.freezeTokens(freeze);
        return this;
    }

    /** {@code tokenizer -> MagvitTokenizer} and the {@link MagvitConfig}'s components by name. */
    @Override
    protected Map<String, String> architecture() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tokenizer", "MagvitTokenizer");
        out.putAll(RecordText.components(config));
        return out;
    }

    /**
     * Sets every parameter from the {@link VqganTokenizer} checkpoint {@code file}: each 2D kernel
     * {@code (O, I, kh, kw)} inflated to {@code (O, I, kt, kh, kw)} by {@code inflation}, everything
     * else (biases, norms, the codebook) copied. This tokenizer must be initialized and built with
     * {@link MagvitConfig.Builder#like} the checkpoint's {@code VqganConfig} and an equal quantizer;
     * the quantizer's running state (EMA counts, dead-code windows) starts afresh.
     *
     * @throws IllegalArgumentException when the file is not a VQGAN tokenizer checkpoint, or a setting
     *     of its architecture or quantizer differs from this tokenizer's (each named, with both values)
     */
    public MagvitTokenizer inflateFrom(Path file, Inflation inflation) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(inflation, "inflation");
        Checks.require(isInitialized(), "MagvitTokenizer.inflateFrom needs an initialized tokenizer; call "
                + "initialize(manager, DataType.FLOAT32, clipShape) first");
        Map<String, String> stored = Checkpoint.readConfig(file);
        Checks.require("VqganTokenizer".equals(stored.get("tokenizer")), "MagvitTokenizer.inflateFrom expects a "
                + "checkpoint of a VqganTokenizer (Checkpoint.save(file, vqgan, vqgan.configuration())), got %s with "
                + "tokenizer = %s", file, stored.get("tokenizer"));
        Map<String, String> mine = configuration();
        for (String key : mine.keySet()) {
            boolean shared = SHARED.contains(key) || key.startsWith("quantizer.");
            Checks.require(!shared || mine.get(key).equals(stored.get(key)), "MagvitTokenizer.inflateFrom: the 2D "
                    + "checkpoint %s has %s = %s but this tokenizer has %s; build the config with "
                    + "MagvitConfig.builder().like(vqganConfig) and the quantizer with the checkpoint's settings "
                    + "(Checkpoint.readConfig(file) lists them)", file, key, stored.get(key), mine.get(key));
        }
        Checkpoint.load(file, this, getParameters().get(0).getValue().getArray().getManager(), inflation.remap());
        return this;
    }
}
