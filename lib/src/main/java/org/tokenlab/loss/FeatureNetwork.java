package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A network whose intermediate activations define a {@link PerceptualLoss}: images in, a list of
 * feature maps out, shallow to deep. Implementations: {@link DigitClassifier} (trained here, for
 * one-channel 32x32 digits) and {@link TorchScriptFeatures} (any network a user exports from
 * PyTorch, e.g. VGG16 as in LPIPS). A lambda works too:
 *
 * <pre>{@code
 * jshell> FeatureNetwork pixels = images -> List.of(images);   // perceptual loss = channel-normalized MSE
 * }</pre>
 */
@FunctionalInterface
public interface FeatureNetwork {

    /**
     * The feature maps of {@code images (B, C, H, W)}: a non-empty list of arrays {@code (B, C_l, H_l, W_l)}
     * (rank >= 2, the channel axis second), owned by the images' manager. The computation must be
     * differentiable in the images (run it inside a {@code GradientCollector} to train through it)
     * and must not change the network's state (evaluation mode).
     */
    List<NDArray> features(NDArray images);
}
