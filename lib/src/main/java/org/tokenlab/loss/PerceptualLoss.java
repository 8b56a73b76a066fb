package org.tokenlab.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Frames;
import org.tokenlab.internal.Scalars;

/**
 * A perceptual loss in the style of LPIPS (Zhang et al. 2018), without its learned weights: for
 * each feature map of a {@link FeatureNetwork}, normalize every position's channel vector to unit
 * length, take the mean squared difference between reconstruction and target over batch,
 * channels and positions, and average over the layers:
 * <pre>
 *   L = mean_l mean_{b,c,h,w} (f_l(x) / ||f_l(x)||_c - f_l(y) / ||f_l(y)||_c)^2
 * </pre>
 * Honest differences from LPIPS: LPIPS weights each channel by a learned linear layer (trained on
 * human similarity judgments), sums over channels and layers instead of averaging, and uses VGG16
 * or AlexNet trained on ImageNet. This loss has the same form with equal weights, so its scale is
 * smaller (divided by the channel count and the layer count) and it is only as good as the network
 * you give it; it is zero for identical inputs and grows with feature differences. With a
 * {@link DigitClassifier} it compares digits as a digit classifier sees them.
 *
 * <pre>{@code
 * jshell> var perceptual = new PerceptualLoss(DigitClassifier.train(images, labels, 300, 42));
 * jshell> NDArray loss = perceptual.loss(reconstruction, images);   // ()
 * }</pre>
 */
public final class PerceptualLoss {

    /**
     * Added to the squared channel norm under the square root. LPIPS' {@code normalize_tensor} adds
     * its 1e-10 after the root instead; that form has an infinite derivative where a position's
     * features are all zero (common after ReLU in a small network, on empty background), and the
     * backward pass then multiplies infinity by zero and turns the gradients into NaN at random steps.
     */
    public static final double EPSILON = 1e-10;

    private final FeatureNetwork network;

    public PerceptualLoss(FeatureNetwork network) {
        this.network = Checks.notNull(network, "network");
    }

    public FeatureNetwork network() {
        return network;
    }

    /**
     * The loss {@code ()} between {@code reconstruction} and {@code target}, both {@code (B, C, H, W)}
     * of the same shape, or both clips {@code (B, C, T, H, W)}, compared frame by frame (the mean over
     * every frame's loss, as MAGVIT applies its 2D perceptual loss to videos). Gradients flow into the reconstruction; the target's features are detached.
     * Owned by the reconstruction's manager.
     */
    public NDArray loss(NDArray reconstruction, NDArray target) {
        NDArray perLayer = perLayer(reconstruction, target);
        return perLayer.mean();
    }

    /** The loss of each layer {@code (L)}, shallow to deep; {@link #loss} is their mean. */
    public NDArray perLayer(NDArray reconstruction, NDArray target) {
        check(reconstruction, target);
        if (reconstruction.getShape().dimension() == 5) { // clips: every frame is an image
            return perLayer(Frames.of(reconstruction), Frames.of(target));
        }
        List<NDArray> x = network.features(reconstruction);
        List<NDArray> y = network.features(target);
        checkFeatures(x, y);
        NDArray[] layers = new NDArray[x.size()];
        for (int l = 0; l < layers.length; l++) {
            NDArray fx = normalizeChannels(x.get(l));
            NDArray fy = normalizeChannels(y.get(l).stopGradient());
            layers[l] = fx.sub(fy).square().mean().reshape(1);
        }
        return NDArrays.concat(new NDList(layers)); // (L)
    }

    /** Each position's channel vector (axis 1) divided by {@code sqrt(|x|^2 + EPSILON)}. */
    static NDArray normalizeChannels(NDArray features) {
        NDArray norm = features.square().sum(new int[] {1}, true).add(Scalars.of(features, EPSILON)).sqrt();
        return features.div(norm);
    }

    private static void check(NDArray reconstruction, NDArray target) {
        int rank = reconstruction.getShape().dimension();
        Checks.require(rank == 4 || rank == 5, "PerceptualLoss expects images (B, C, H, W) or clips (B, C, T, H, W), "
                + "got reconstruction of shape %s", Checks.describe(reconstruction.getShape()));
        Checks.require(reconstruction.getShape().equals(target.getShape()),
                "PerceptualLoss expects reconstruction and target of the same shape, got %s and %s",
                Checks.describe(reconstruction.getShape()), Checks.describe(target.getShape()));
    }

    private static void checkFeatures(List<NDArray> x, List<NDArray> y) {
        Checks.require(x != null && !x.isEmpty() && y != null && x.size() == y.size(),
                "PerceptualLoss expects the feature network to return the same non-empty list of feature maps for both inputs, "
                        + "got %s and %s maps", x == null ? "no" : x.size(), y == null ? "no" : y.size());
        for (int l = 0; l < x.size(); l++) {
            Checks.require(x.get(l).getShape().dimension() >= 2 && x.get(l).getShape().equals(y.get(l).getShape()),
                    "PerceptualLoss expects feature map %d of rank >= 2 (B, C_l, ...) and equal for both inputs, got %s and %s",
                    l, Checks.describe(x.get(l).getShape()), Checks.describe(y.get(l).getShape()));
        }
    }
}
