/**
 * Pictures of tensors: images, grids of images, animated GIFs of videos, short text summaries
 * and charts of training logs. Everything renders offline to PNG or GIF bytes.
 */
package org.tokenlab.viz;
