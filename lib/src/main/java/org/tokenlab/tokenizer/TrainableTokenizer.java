package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.tokenlab.Resumable;

/**
 * A {@link VisualTokenizer} that is trained end to end as one DJL block: what
 * {@code org.tokenlab.train.GanTrainer} needs of its generator. The block's list-valued
 * {@code forward} returns {@link TokenizerOutput#toList()}; {@link #lastLayerWeight()} is where the
 * adaptive GAN weight compares gradients; {@link #configuration()} is what a checkpoint stores and
 * checks. {@link QuantizedAutoencoder} (VQGAN, MAGVIT) and {@code org.tokenlab.magvit2.Magvit2Tokenizer}
 * are trainable tokenizers.
 */
public interface TrainableTokenizer extends VisualTokenizer, Resumable {

    /**
     * The whole model on {@code pixels}: the reconstruction in the pixels' shape, the ids, the
     * quantizer's loss {@code ()} and its named parts. The arrays belong to the pixels' manager.
     */
    TokenizerOutput forward(ParameterStore ps, NDArray pixels, boolean training);

    /** The decoder's last convolution weight: where the adaptive GAN weight compares gradients. */
    NDArray lastLayerWeight();

    /**
     * The configuration that builds this tokenizer again: the architecture (starting with
     * {@code tokenizer -> class name}) and the quantizer's settings under {@code quantizer.}.
     */
    Map<String, String> configuration();
}
