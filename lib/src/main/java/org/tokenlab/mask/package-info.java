/**
 * Masks over token grids for masked token modeling (MaskGIT, MAGVIT), in the order a training step
 * uses them:
 *
 * <ul>
 *   <li>{@link org.tokenlab.mask.GridShape} and {@link org.tokenlab.mask.TokenMask}: which tokens of a
 *       latent grid {@code (t, h, w)} are given ({@code true}) and which are generated, built from
 *       boxes, frame ranges, moving boxes, random blocks or any {@code (t, y, x)} rule;</li>
 *   <li>{@link org.tokenlab.mask.MagvitTask}: MAGVIT's ten tasks (FP, FI, OPC, OPV, OPH, OPD, IPC,
 *       IPD, CG, CFP) as condition masks with the official code's geometry, and the condition clip
 *       each one tokenizes; {@link org.tokenlab.mask.ConditionFrames} counts the given frames in
 *       pixels and in latent frames;</li>
 *   <li>{@link org.tokenlab.mask.MaskingScheme}: any way to draw a condition mask, MAGVIT's tasks
 *       included, and pools of them;</li>
 *   <li>{@link org.tokenlab.mask.MaskSchedule} and {@link org.tokenlab.mask.MaskingDraw}: how many and
 *       which positions a training step masks;</li>
 *   <li>{@link org.tokenlab.mask.CommitMasking}: MAGVIT's COMMIT, which puts condition tokens,
 *       mask tokens and real tokens together into the model's input
 *       ({@link org.tokenlab.mask.CommitInput}) with segment ids and per-position loss weights.</li>
 * </ul>
 *
 * {@link org.tokenlab.viz.MaskPictures} draws masks. Every mask here is immutable; arrays returned
 * belong to the manager of the array they were built from.
 */
package org.tokenlab.mask;
