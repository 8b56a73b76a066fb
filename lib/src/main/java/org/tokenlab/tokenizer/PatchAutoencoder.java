package org.tokenlab.tokenizer;

import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Scopes;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tokenlab.internal.Checks;
import org.tokenlab.quantize.Quantizer;
import org.tokenlab.quantize.QuantizerOutput;

/**
 * The smallest tokenizer: one token per {@code p x p} patch of a one-channel image. An MLP encoder
 * maps the patch's pixels to a {@code D}-dimensional feature, any {@link Quantizer} turns it into a
 * token, and an MLP decoder maps the code back to pixels in [-1, 1] (tanh). Good for seeing what a
 * codebook learns; the convolutional tokenizers of the later tutorials follow the same shape.
 *
 * <p>{@link #forward(ParameterStore, NDArray, boolean)} takes patches {@code (N, p*p)} and returns a
 * {@link TokenizerOutput}: reconstruction {@code (N, p*p)}, ids {@code (N)}, the quantizer's loss
 * {@code ()} and its named parts; ids {@code (N, Q)} for a
 * {@link org.tokenlab.quantize.ResidualQuantizer} of {@code Q} levels. The block's list-valued
 * {@code forward} (what a {@link org.tokenlab.train.StepTrainer} step sees) returns the same as
 * {@link TokenizerOutput#toList()}; read it with {@link TokenizerOutput#of(NDList)}. A quantizer
 * that is itself a block (e.g. a VQ codebook, a residual quantizer) is a child block, so its
 * parameters train with the rest. {@link #encode} and {@link #decodeCodes} record no autograd graph.
 *
 * <pre>{@code
 * jshell> var ae = PatchAutoencoder.builder().setPatchSize(8).setQuantizer(lfq).build();
 * jshell> NDArray patches = PatchAutoencoder.toPatches(images, 8);   // (B*16, 64) for 32x32 images
 * jshell> var trainer = new StepTrainer(ae, Optimizer.adam().build(), new Shape(256, 64));
 * jshell> trainer.step(new NDList(patches), list -> {
 *    ...>     TokenizerOutput out = TokenizerOutput.of(list);
 *    ...>     return out.reconstruction().sub(patches).square().mean().add(out.quantizerLoss());
 *    ...> }, list -> {});
 * }</pre>
 */
public final class PatchAutoencoder extends AbstractBlock {

    private final int patchSize;
    private final Quantizer quantizer;
    private final Block encoder;
    private final Block decoder;

    private PatchAutoencoder(Builder b) {
        this.patchSize = b.patchSize;
        this.quantizer = b.quantizer;
        int pixels = patchSize * patchSize;
        this.encoder = addChildBlock("encoder", new SequentialBlock()
                .add(Linear.builder().setUnits(b.hidden).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(quantizer.codeDimension()).build()));
        this.decoder = addChildBlock("decoder", new SequentialBlock()
                .add(Linear.builder().setUnits(b.hidden).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(pixels).build()).add(Activation::tanh));
        if (quantizer instanceof Block) {
            addChildBlock("quantizer", (Block) quantizer);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int patchSize() {
        return patchSize;
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs.singletonOrThrow(), training).toList();
    }

    /**
     * The whole model on {@code patches (N, p*p)}: reconstruction {@code (N, p*p)}, ids {@code (N)}
     * (or {@code (N, Q)}), the quantizer's loss {@code ()} and its parts, all on the patches' manager.
     * In training mode the quantizer may update its state.
     */
    public TokenizerOutput forward(ParameterStore ps, NDArray patches, boolean training) {
        checkPatches(patches);
        NDArray features = encoder.forward(ps, new NDList(patches), training).singletonOrThrow(); // (N, D)
        QuantizerOutput q = quantizer.quantize(features, training);
        return TokenizerOutput.of(decoder.forward(ps, new NDList(q.quantized()), training).singletonOrThrow(), q);
    }

    /** Pixels {@code (N, p*p)} of the given codes {@code (N, D)}, without recording a graph. */
    public NDArray decodeCodes(ParameterStore ps, NDArray codes) {
        Checks.notNull(codes, "codes");
        try (Autograd.Paused paused = Autograd.pause()) {
            // activations are freed; only the pixels are kept
            return Scopes.keepResult(codes, () -> decoder.forward(ps, new NDList(codes), false).singletonOrThrow());
        }
    }

    /** Token ids {@code (N)} of patches {@code (N, p*p)}; {@code (N, Q)} for a residual quantizer. */
    public NDArray encode(ParameterStore ps, NDArray patches) {
        checkPatches(patches);
        try (Autograd.Paused paused = Autograd.pause()) {
            return Scopes.keepResult(patches, () -> {
                NDArray features = encoder.forward(ps, new NDList(patches), false).singletonOrThrow();
                return quantizer.quantize(features, false).indices();
            });
        }
    }

    /** Reconstruction, ids and quantizer loss; the loss parts that follow in the list are scalars. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        Shape features = new Shape(n, quantizer.codeDimension());
        return new Shape[] {new Shape(n, (long) patchSize * patchSize), quantizer.indexShape(features), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        encoder.initialize(manager, dataType, inputShapes[0]);
        Shape features = new Shape(n, quantizer.codeDimension());
        if (quantizer instanceof Block) {
            ((Block) quantizer).initialize(manager, dataType, features);
        }
        decoder.initialize(manager, dataType, features);
    }

    private void checkPatches(NDArray patches) {
        Checks.notNull(patches, "patches");
        Shape s = patches.getShape();
        Checks.require(s.dimension() == 2 && s.get(1) == (long) patchSize * patchSize,
                "PatchAutoencoder expects patches (N, %d) for %dx%d patches, got shape %s; use toPatches(images, %d)",
                patchSize * patchSize, patchSize, patchSize, Checks.describe(s), patchSize);
    }

    /**
     * Non-overlapping {@code p x p} patches of one-channel images {@code (B, 1, H, W)} as rows
     * {@code (B * (H/p) * (W/p), p*p)}, row-major over patches and pixels.
     */
    public static NDArray toPatches(NDArray images, int p) {
        Shape s = images.getShape();
        Checks.require(s.dimension() == 4 && s.get(1) == 1 && s.get(2) % p == 0 && s.get(3) % p == 0,
                "toPatches expects one-channel images (B, 1, H, W) with H and W multiples of %d, got %s", p, Checks.describe(s));
        long b = s.get(0);
        long gh = s.get(2) / p;
        long gw = s.get(3) / p;
        return images.reshape(b, gh, p, gw, p).transpose(0, 1, 3, 2, 4).reshape(b * gh * gw, (long) p * p);
    }

    /** The inverse of {@link #toPatches}: rows {@code (B * gh * gw, p*p)} to images {@code (B, 1, gh*p, gw*p)}. */
    public static NDArray fromPatches(NDArray patches, int p, long gridHeight, long gridWidth) {
        Shape s = patches.getShape();
        Checks.require(s.dimension() == 2 && s.get(1) == (long) p * p && s.get(0) % (gridHeight * gridWidth) == 0,
                "fromPatches expects (B * %d, %d), got %s", gridHeight * gridWidth, p * p, Checks.describe(s));
        long b = s.get(0) / (gridHeight * gridWidth);
        return patches.reshape(b, gridHeight, gridWidth, p, p).transpose(0, 1, 3, 2, 4).reshape(b, 1, gridHeight * p, gridWidth * p);
    }

    /** Builder: {@code setPatchSize} and {@code setQuantizer} are required. */
    public static final class Builder {
        private int patchSize;
        private Quantizer quantizer;
        private int hidden = 128;

        public Builder setPatchSize(int patchSize) {
            this.patchSize = patchSize;
            return this;
        }

        public Builder setQuantizer(Quantizer quantizer) {
            this.quantizer = quantizer;
            return this;
        }

        /** Width of the encoder's and decoder's hidden layer (default 128). */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public PatchAutoencoder build() {
            Checks.require(patchSize >= 1, "PatchAutoencoder needs setPatchSize(p) with p >= 1, got %d", patchSize);
            Checks.require(quantizer != null, "PatchAutoencoder needs setQuantizer(...), e.g. a LookupFreeQuantizer");
            Checks.require(hidden >= 1, "optHidden must be at least 1, got %d", hidden);
            return new PatchAutoencoder(this);
        }
    }
}
