/**
 * Masks over token grids, for masked token modeling (MaskGIT, MAGVIT). {@link org.tokenlab.mask.MaskSchedule}
 * is MaskGIT's {@code gamma(r)} with its training and decoding rules.
 */
package org.tokenlab.mask;
