/**
 * Losses and loss networks for training visual tokenizers the VQGAN way: reconstruction
 * ({@link org.tokenlab.loss.ReconstructionLoss}), perceptual ({@link org.tokenlab.loss.PerceptualLoss}
 * over a pluggable {@link org.tokenlab.loss.FeatureNetwork}: a user's TorchScript network or the small
 * {@link org.tokenlab.loss.DigitClassifier}), adversarial ({@link org.tokenlab.loss.PatchDiscriminator} for
 * VQGAN, {@link org.tokenlab.loss.StyleGanDiscriminator} for MAGVIT's images and videos,
 * {@link org.tokenlab.loss.GanLosses}), the adaptive GAN weight of VQGAN
 * ({@link org.tokenlab.loss.AdaptiveGanWeight}), the discriminator warm-up
 * ({@link org.tokenlab.loss.DiscriminatorWarmup}) and MAGVIT's LeCam regularization
 * ({@link org.tokenlab.loss.LeCam}).
 *
 * <p>The generator loss of VQGAN (Esser et al. 2021, taming-transformers) reads, with these parts:
 * <pre>{@code
 * NDArray rec  = ReconstructionLoss.L1.loss(x, xHat).add(perceptual.loss(xHat, x));
 * NDArray gan  = GanLosses.HINGE.generatorLoss(discriminator.forward(ps, new NDList(xHat), true).singletonOrThrow());
 * double lambda = AdaptiveGanWeight.estimate(gc, decoderLastWeight, () -> recLoss(), () -> ganLoss());
 * NDArray loss = rec.add(gan.mul(lambda * warmup.weight(step))).add(quantizerLoss);
 * }</pre>
 * Every loss takes and returns NDArrays that belong to its inputs' manager; a scalar loss has shape
 * {@code ()}.
 */
package org.tokenlab.loss;
