package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.Checks;
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
 * @param images the number of images evaluated
 * @param psnr mean PSNR in dB
 * @param ssim mean SSIM
 * @param usage codebook statistics of all their tokens
 */
public record TokenizerEvaluation(int images, double psnr, double ssim, CodebookUsage usage) {

    /**
     * Evaluates {@code tokenizer} on {@code images (N, C, H, W)} in [-1, 1], {@code batchSize} images
     * at a time, without recording an autograd graph.
     */
    public static TokenizerEvaluation of(VisualTokenizer tokenizer, NDArray images, int batchSize) {
        try (Autograd.Paused paused = Autograd.pause()) {
            return evaluate(tokenizer, images, batchSize);
        }
    }

    private static TokenizerEvaluation evaluate(VisualTokenizer tokenizer, NDArray images, int batchSize) {
        Checks.notNull(tokenizer, "tokenizer");
        Checks.rank(images, "TokenizerEvaluation images (N, C, H, W)", 4);
        Checks.positive(batchSize, "batchSize");
        long n = images.getShape().get(0);
        Checks.require(n > 0, "TokenizerEvaluation needs at least one image, got shape %s", Checks.describe(images.getShape()));
        double[] sums = new double[2]; // PSNR, SSIM
        List<long[]> ids = new ArrayList<>();
        Slices.forEach(images, batchSize, batch -> {
            NDArray tokens = tokenizer.encode(batch);
            NDArray reconstruction = tokenizer.decode(tokens);
            sums[0] += Arrays.stream(Psnr.perImage(reconstruction, batch)).sum();
            sums[1] += Arrays.stream(Ssim.perImage(reconstruction, batch)).sum();
            ids.add(HostValues.longs(tokens));
        });
        long[] all = ids.stream().flatMapToLong(Arrays::stream).toArray();
        CodebookUsage usage = CodebookUsage.of(all, tokenizer.quantizer().codebookSize());
        return new TokenizerEvaluation(Math.toIntExact(n), sums[0] / n, sums[1] / n, usage);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TokenizerEvaluation: %d images, PSNR %.2f dB, SSIM %.3f, %d of %d codes used (%.1f%%), perplexity %.1f",
                images, psnr, ssim, usage.usedCodes(), usage.codebookSize(), 100 * usage.usage(), usage.perplexity());
    }
}
