package org.tokenlab.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.HostValues;
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

    /** Evaluates {@code tokenizer} on {@code images (N, C, H, W)} in [-1, 1], {@code batchSize} images at a time. */
    public static TokenizerEvaluation of(VisualTokenizer tokenizer, NDArray images, int batchSize) {
        Checks.notNull(tokenizer, "tokenizer");
        Checks.rank(images, "TokenizerEvaluation images (N, C, H, W)", 4);
        Checks.positive(batchSize, "batchSize");
        long n = images.getShape().get(0);
        Checks.require(n > 0, "TokenizerEvaluation needs at least one image, got shape %s", Checks.describe(images.getShape()));
        double psnrSum = 0;
        double ssimSum = 0;
        List<long[]> ids = new ArrayList<>();
        for (long start = 0; start < n; start += batchSize) {
            try (NDManager scope = images.getManager().newSubManager()) {
                NDArray batch = images.get(new NDIndex("{}:{}", start, Math.min(n, start + batchSize)));
                batch.attach(scope);
                NDArray tokens = tokenizer.encode(batch);
                NDArray reconstruction = tokenizer.decode(tokens);
                for (double p : Psnr.perImage(reconstruction, batch)) {
                    psnrSum += p;
                }
                for (double s : Ssim.perImage(reconstruction, batch)) {
                    ssimSum += s;
                }
                ids.add(HostValues.longs(tokens));
            }
        }
        long[] all = ids.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        CodebookUsage usage = CodebookUsage.of(all, tokenizer.quantizer().codebookSize());
        return new TokenizerEvaluation(Math.toIntExact(n), psnrSum / n, ssimSum / n, usage);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TokenizerEvaluation: %d images, PSNR %.2f dB, SSIM %.3f, %d of %d codes used (%.1f%%), perplexity %.1f",
                images, psnr, ssim, usage.usedCodes(), usage.codebookSize(), 100 * usage.usage(), usage.perplexity());
    }
}
