package org.tokenlab.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tokenlab.internal.Checks;

/**
 * Peak signal-to-noise ratio in decibels, per image then averaged over the batch:
 * <pre>
 *   PSNR = 10 * log10(R^2 / MSE),   MSE over the image's channels and pixels
 * </pre>
 * with data range {@code R = 2} for TokenLab's pixels in [-1, 1] (a constant error of 0.2 gives
 * {@code 10 * log10(4 / 0.04) = 20 dB}). Identical images have {@code MSE = 0} and a PSNR of
 * {@link Double#POSITIVE_INFINITY}, as in scikit-image; a batch with one such image has an infinite
 * mean, so look at {@link #perImage} when comparing near-perfect reconstructions. Computed in
 * float64; the inputs are read, not changed.
 *
 * <pre>{@code
 * jshell> Psnr.of(reconstruction, images)   // e.g. 24.3 (dB)
 * }</pre>
 */
public final class Psnr {

    /** The data range of pixels in [-1, 1]. */
    public static final double DATA_RANGE = 2.0;

    private Psnr() {}

    /** Mean PSNR in dB over the batch of images {@code (B, C, H, W)} in [-1, 1]. */
    public static double of(NDArray reconstruction, NDArray target) {
        return mean(perImage(reconstruction, target, DATA_RANGE));
    }

    /** Mean PSNR in dB for pixels whose range (max - min possible value) is {@code dataRange}. */
    public static double of(NDArray reconstruction, NDArray target, double dataRange) {
        return mean(perImage(reconstruction, target, dataRange));
    }

    /** PSNR in dB of each image {@code (B, C, H, W)} in [-1, 1]: an array of length B. */
    public static double[] perImage(NDArray reconstruction, NDArray target) {
        return perImage(reconstruction, target, DATA_RANGE);
    }

    /** PSNR in dB of each image, for the given data range. */
    public static double[] perImage(NDArray reconstruction, NDArray target, double dataRange) {
        Checks.require(Double.isFinite(dataRange) && dataRange > 0,
                "Psnr expects a data range > 0, got %s; use 2 for pixels in [-1, 1], 1 for [0, 1], 255 for bytes", dataRange);
        checkImages("Psnr", reconstruction, target);
        double[] mse;
        try (NDManager scope = reconstruction.getManager().newSubManager()) {
            NDArray x = reconstruction.toType(DataType.FLOAT64, true);
            x.attach(scope);
            NDArray y = target.toType(DataType.FLOAT64, true);
            y.attach(scope);
            mse = x.sub(y).square().reshape(reconstruction.getShape().get(0), -1).mean(new int[] {1}).toDoubleArray(); // (B)
        }
        double[] psnr = new double[mse.length];
        for (int b = 0; b < mse.length; b++) {
            Checks.require(Double.isFinite(mse[b]),
                    "Psnr expects finite pixels, got NaN or infinity in image %d; check the model's outputs", b);
            psnr[b] = mse[b] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(dataRange * dataRange / mse[b]);
        }
        return psnr;
    }

    /** Checks two image batches of the same shape {@code (B, C, H, W)} with at least one pixel. */
    static void checkImages(String metric, NDArray reconstruction, NDArray target) {
        Checks.rank(reconstruction, metric + " reconstruction (B, C, H, W)", 4);
        Checks.rank(target, metric + " target (B, C, H, W)", 4);
        Checks.require(reconstruction.getShape().equals(target.getShape()),
                "%s expects two image batches of the same shape, got %s and %s", metric,
                Checks.describe(reconstruction.getShape()), Checks.describe(target.getShape()));
        Checks.require(reconstruction.size() > 0, "%s expects at least one pixel, got shape %s", metric,
                Checks.describe(reconstruction.getShape()));
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
