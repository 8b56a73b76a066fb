package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tokenlab.internal.Checks;
import org.tokenlab.quantize.QuantizerOutput;

/**
 * What a tokenizer's forward pass gives: the reconstruction, the token ids and the
 * quantizer's loss with its named terms. DJL blocks must return an {@link NDList} from
 * {@code forward}; {@link #toList()} and {@link #of(NDList)} convert, so that code reads
 * {@code out.reconstruction()} and {@code out.quantizerLoss()} instead of list positions.
 *
 * <p>Shapes are given below for images {@code (B, C, H, W)} and a downsampling factor {@code f};
 * a video tokenizer gives {@code (B, C, T, H, W)} and {@code (B, t, h, w)} in the same places
 * (see {@link VisualTokenizer#tokenShape}).
 *
 * <p>Ownership: the record neither owns nor closes its arrays. They belong to the manager the
 * forward pass ran in, typically a training step's scope, and are freed with it.
 *
 * <pre>{@code
 * jshell> float loss = trainer.step(new NDList(images), list -> {
 *    ...>     TokenizerOutput out = TokenizerOutput.of(list);
 *    ...>     return out.reconstruction().sub(images).abs().mean().add(out.quantizerLoss());
 *    ...> }, list -> {});
 * }</pre>
 *
 * @param reconstruction the decoded input, in the input's shape: {@code (B, C, H, W)} for a
 *     {@link VqganTokenizer}, patches {@code (N, p*p)} for a {@link PatchAutoencoder}; it carries
 *     the gradient to decoder, quantizer (straight-through) and encoder
 * @param ids int64 token ids: {@code (B, H/f, W/f)}, or {@code (B, Q, H/f, W/f)} for a residual
 *     quantizer of {@code Q} levels ({@code (N)} or {@code (N, Q)} for patches): the tokenizer's
 *     {@link VisualTokenizer#tokenShape} of the input
 * @param quantizerLoss the quantizer's total auxiliary loss, a scalar {@code ()} to add to the
 *     reconstruction loss
 * @param lossParts the quantizer's weighted terms that sum to {@code quantizerLoss}, scalars
 *     {@code ()} by name ({@code "commitment"}, {@code "codebook"}, {@code "entropy"},
 *     {@code "level0.commitment"} for a residual quantizer), in the quantizer's order; empty for a
 *     quantizer without auxiliary loss
 */
public record TokenizerOutput(NDArray reconstruction, NDArray ids, NDArray quantizerLoss,
        Map<String, NDArray> lossParts) {

    /** The name prefix that marks a loss part in {@link #toList()}'s list. */
    private static final String PART = "lossPart:";

    public TokenizerOutput {
        Checks.notNull(reconstruction, "reconstruction");
        Checks.notNull(ids, "ids");
        Checks.notNull(quantizerLoss, "quantizerLoss");
        Checks.notNull(lossParts, "lossParts");
        lossParts = Collections.unmodifiableMap(new LinkedHashMap<>(lossParts)); // keeps the quantizer's order
    }

    /** The reconstruction of {@code quantized}'s decoding, with the quantizer's ids, loss and loss parts. */
    public static TokenizerOutput of(NDArray reconstruction, QuantizerOutput quantized) {
        Checks.notNull(quantized, "quantized");
        return new TokenizerOutput(reconstruction, quantized.indices(), quantized.loss(), quantized.lossParts());
    }

    /**
     * The output a tokenizer block's {@code forward} returned (its {@link #toList()}), e.g. inside a
     * {@link org.tokenlab.train.StepTrainer} step.
     *
     * @throws IllegalArgumentException for a list that no tokenizer's forward made
     */
    public static TokenizerOutput of(NDList outputs) {
        Checks.notNull(outputs, "outputs");
        Checks.require(outputs.size() >= 3, "TokenizerOutput.of expects a tokenizer's forward output (reconstruction, "
                + "ids, quantizer loss, loss parts...), got %d arrays; pass what VqganTokenizer or PatchAutoencoder "
                + "forward returns", outputs.size());
        Map<String, NDArray> parts = new LinkedHashMap<>();
        for (int i = 3; i < outputs.size(); i++) {
            NDArray part = outputs.get(i);
            String name = part.getName();
            Checks.require(name != null && name.startsWith(PART), "TokenizerOutput.of expects loss parts after the "
                    + "first three arrays, got an array named %s at position %d; pass what a tokenizer's forward "
                    + "returns, unchanged", name, i);
            parts.put(name.substring(PART.length()), part);
        }
        return new TokenizerOutput(outputs.get(0), outputs.get(1), outputs.get(2), parts);
    }

    /**
     * The list a block's {@code forward} returns: {@code reconstruction, ids, quantizerLoss}, then
     * each loss part named {@code "lossPart:" + name} ({@link NDArray#setName}); read it back with
     * {@link #of(NDList)}.
     */
    public NDList toList() {
        NDList list = new NDList(reconstruction, ids, quantizerLoss);
        lossParts.forEach((name, part) -> {
            part.setName(PART + name);
            list.add(part);
        });
        return list;
    }
}
