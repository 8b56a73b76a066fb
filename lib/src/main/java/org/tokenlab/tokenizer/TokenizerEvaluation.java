package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Frames;
import org.tokenlab.internal.HostValues;
import org.tokenlab.internal.Slices;
import org.tokenlab.metrics.CodebookUsage;
import org.tokenlab.metrics.Psnr;
import org.tokenlab.metrics.Ssim;

/**
 * How well a tokenizer brings held-out images back: mean PSNR and SSIM of {@code decode(encode(x))}
 * (per image, then averaged) and the codebook usage of the tokens, computed in batches so that a
 * thousand images need no more memory than one batch.
 *
 * <pre>{@code
 * jshell> TokenizerEvaluation.of(tokenizer, testImages, 250)
 * TokenizerEvaluation: 1000 images, PSNR 21.43 dB, SSIM 0.912, 212 of 256 codes used (82.8%), perplexity 150.3
 * }</pre>
 *
 * @param images the number of images (or clips) evaluated
 * @param psnr mean PSNR in dB
 * @param ssim mean SSIM
 * @param usage codebook statistics of all their tokens
 */
public record TokenizerEvaluation(int images, double psnr, double ssim, CodebookUsage usage) {

    /**
     * Evaluates {@code tokenizer} on {@code images (N, C, H, W)} in [-1, 1], {@code batchSize} images
     * at a time, without recording an autograd graph. Clips {@code (N, C, T, H, W)} are scored frame
     * by frame: PSNR and SSIM are then means over all {@code N*T} frames, as video tokenizers report them.
     */
    public static TokenizerEvaluation of(VisualTokenizer tokenizer, NDArray images, int batchSize) {
        try (Autograd.Paused paused = Autograd.pause()) {
            return evaluate(tokenizer, images, batchSize);
        }
    }

    private static TokenizerEvaluation evaluate(VisualTokenizer tokenizer, NDArray images, int batchSize) {
        Checks.notNull(tokenizer, "tokenizer");
        int rank = images.getShape().dimension();
        Checks.require(rank == 4 || rank == 5, "TokenizerEvaluation expects images (N, C, H, W) or clips (N, C, T, H, W), "
                + "got shape %s", Checks.describe(images.getShape()));
        Checks.positive(batchSize, "batchSize");
        long n = images.getShape().get(0);
        Checks.require(n > 0, "TokenizerEvaluation needs at least one image, got shape %s", Checks.describe(images.getShape()));
        long frames = rank == 5 ? images.getShape().get(2) : 1;
        double[] sums = new double[2]; // PSNR, SSIM
        List<long[]> ids = new ArrayList<>();
        Slices.forEach(images, batchSize, batch -> {
            NDArray tokens = tokenizer.encode(batch);
            NDArray reconstruction = asFrames(tokenizer.decode(tokens));
            NDArray real = asFrames(batch);
            sums[0] += Arrays.stream(Psnr.perImage(reconstruction, real)).sum();
            sums[1] += Arrays.stream(Ssim.perImage(reconstruction, real)).sum();
            ids.add(HostValues.longs(tokens));
        });
        long[] all = ids.stream().flatMapToLong(Arrays::stream).toArray();
        CodebookUsage usage = CodebookUsage.of(all, tokenizer.quantizer().codebookSize());
        return new TokenizerEvaluation(Math.toIntExact(n), sums[0] / (n * frames), sums[1] / (n * frames), usage);
    }

    /** Clips {@code (N, C, T, H, W)} as their frames {@code (N*T, C, H, W)}; images as they are. */
    private static NDArray asFrames(NDArray x) {
        return x.getShape().dimension() == 4 ? x : Frames.of(x);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TokenizerEvaluation: %d images, PSNR %.2f dB, SSIM %.3f, %d of %d codes used (%.1f%%), perplexity %.1f",
                images, psnr, ssim, usage.usedCodes(), usage.codebookSize(), 100 * usage.usage(), usage.perplexity());
    }
}
