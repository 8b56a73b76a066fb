package org.tokenlab.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.tokenlab.internal.Checks;

/**
 * Structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004) with the paper's settings: an
 * 11x11 Gaussian window of sigma 1.5, {@code K1 = 0.01}, {@code K2 = 0.03} and data range
 * {@code L = 2} for pixels in [-1, 1], so {@code C1 = (K1 L)^2 = 4e-4} and {@code C2 = (K2 L)^2 = 3.6e-3}:
 * <pre>
 *   SSIM(x, y) = (2 mu_x mu_y + C1) (2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1) (sigma_x^2 + sigma_y^2 + C2))
 * </pre>
 * with local means, variances and covariance weighted by the window (population statistics),
 * evaluated only where the window fits in the image ("valid"), averaged over positions, then over
 * channels, giving one value per image; {@link #of} averages the batch. This matches
 * {@code pytorch_msssim.ssim} and scikit-image's {@code structural_similarity(gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False)} up to border handling. 1 for identical images, about 0 for
 * unrelated ones, negative for anti-correlated structure around zero local means (a texture and its
 * negation). Note that an image whose local means are far from 0 and its negation can score
 * <em>positive</em>: the luminance factor {@code 2 mu_x mu_y + C1} and the structure factor
 * {@code 2 sigma_xy + C2} are then both negative. Images must be at least 11x11. Computed in float64; inputs are read, not changed.
 *
 * <pre>{@code
 * jshell> Ssim.of(reconstruction, images)   // e.g. 0.87
 * }</pre>
 */
public final class Ssim {

    /** Side of the Gaussian window. */
    public static final int WINDOW = 11;
    /** Standard deviation of the Gaussian window, in pixels. */
    public static final double SIGMA = 1.5;
    public static final double K1 = 0.01;
    public static final double K2 = 0.03;

    private Ssim() {}

    /** Mean SSIM over the batch of images {@code (B, C, H, W)} in [-1, 1], H and W >= 11. */
    public static double of(NDArray reconstruction, NDArray target) {
        return Psnr.mean(perImage(reconstruction, target, Psnr.DATA_RANGE));
    }

    /** Mean SSIM for pixels whose range is {@code dataRange}. */
    public static double of(NDArray reconstruction, NDArray target, double dataRange) {
        return Psnr.mean(perImage(reconstruction, target, dataRange));
    }

    /** SSIM of each image {@code (B, C, H, W)} in [-1, 1], the mean over its channels: length B. */
    public static double[] perImage(NDArray reconstruction, NDArray target) {
        return perImage(reconstruction, target, Psnr.DATA_RANGE);
    }

    /** SSIM of each image for the given data range. */
    public static double[] perImage(NDArray reconstruction, NDArray target, double dataRange) {
        Checks.require(Double.isFinite(dataRange) && dataRange > 0,
                "Ssim expects a data range > 0, got %s; use 2 for pixels in [-1, 1], 1 for [0, 1], 255 for bytes", dataRange);
        Psnr.checkImages("Ssim", reconstruction, target);
        Shape s = reconstruction.getShape();
        Checks.require(s.get(2) >= WINDOW && s.get(3) >= WINDOW,
                "Ssim expects images of at least %dx%d (its Gaussian window), got shape %s; upsample small images first",
                WINDOW, WINDOW, Checks.describe(s));
        double c1 = Math.pow(K1 * dataRange, 2);
        double c2 = Math.pow(K2 * dataRange, 2);
        double[] values;
        try (NDManager scope = reconstruction.getManager().newSubManager()) {
            NDArray x = reconstruction.toType(DataType.FLOAT64, true);
            x.attach(scope);
            NDArray y = target.toType(DataType.FLOAT64, true);
            y.attach(scope);
            int channels = Math.toIntExact(s.get(1));
            NDArray window = window(scope, channels);     // (C, 1, 11, 11)
            NDArray bias = scope.zeros(new Shape(channels), DataType.FLOAT64);
            NDArray muX = filter(x, window, bias, channels); // (B, C, H - 10, W - 10)
            NDArray muY = filter(y, window, bias, channels);
            NDArray varX = filter(x.square(), window, bias, channels).sub(muX.square());
            NDArray varY = filter(y.square(), window, bias, channels).sub(muY.square());
            NDArray cov = filter(x.mul(y), window, bias, channels).sub(muX.mul(muY));
            NDArray numerator = muX.mul(muY).mul(2).add(c1).mul(cov.mul(2).add(c2));
            NDArray denominator = muX.square().add(muY.square()).add(c1).mul(varX.add(varY).add(c2));
            values = numerator.div(denominator).reshape(s.get(0), -1).mean(new int[] {1}).toDoubleArray(); // (B)
        }
        for (int b = 0; b < values.length; b++) {
            Checks.require(Double.isFinite(values[b]),
                    "Ssim expects finite pixels, got NaN or infinity in image %d; check the model's outputs", b);
        }
        return values;
    }

    /** The normalized 11x11 Gaussian window, one copy per channel for a depthwise convolution. */
    static NDArray window(NDManager manager, int channels) {
        double[] g = gaussian();
        double[] w = new double[channels * WINDOW * WINDOW];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < WINDOW; i++) {
                for (int j = 0; j < WINDOW; j++) {
                    w[(c * WINDOW + i) * WINDOW + j] = g[i] * g[j];
                }
            }
        }
        return manager.create(w, new Shape(channels, 1, WINDOW, WINDOW));
    }

    /** The 1-D Gaussian of length 11, sigma 1.5, summing to 1. */
    static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            g[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    private static NDArray filter(NDArray images, NDArray window, NDArray bias, int channels) {
        Shape one = new Shape(1, 1);
        return Conv2d.conv2d(images, window, bias, one, new Shape(0, 0), one, channels).singletonOrThrow();
    }
}
