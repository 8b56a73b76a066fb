/**
 * Pictures of tensors: images, grids of images, animated GIFs of videos, token masks on their own and
 * over clips ({@link org.tokenlab.viz.MaskPictures}), short text summaries and charts of training
 * logs. Everything renders offline to PNG or GIF bytes.
 */
package org.tokenlab.viz;
