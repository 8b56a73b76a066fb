/**
 * Datasets as tensors and as DJL datasets. {@link org.tokenlab.data.Mnist} loads the 10,000 real
 * MNIST digits that {@code datasets/mnist/prepare} (run by {@code ./tokenlab setup}) puts in the
 * cache, with a fixed train/test {@link org.tokenlab.data.Split}; {@link
 * org.tokenlab.data.MnistDataset} serves them to DJL's training tools. {@link
 * org.tokenlab.data.MovingMnist} generates Moving MNIST videos from those digits (any {@link
 * org.tokenlab.data.DigitSet}) and a seed, clip by clip, and {@link
 * org.tokenlab.data.MovingMnistDataset} serves them to DJL.
 *
 * <p>Images are channel-first {@code (B, 1, 32, 32)} float32 in [-1, 1], labels {@code (B)}
 * int64; videos {@code (B, 1, T, H, W)} float32 in [-1, 1], their labels {@code (B, digits)}
 * int64. Nothing here reaches the network: preparing the data is the prepare step's job.
 */
package org.tokenlab.data;
