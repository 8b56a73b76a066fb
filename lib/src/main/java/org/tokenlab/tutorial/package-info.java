/**
 * What every tutorial notebook shares: its size ({@link org.tokenlab.tutorial.TutorialSize}: smoke,
 * cpu or gpu, chosen in one visible cell), where its trained models are kept
 * ({@code build/checkpoints/<notebook>/<size>/}) and its measured results with their targets
 * ({@link org.tokenlab.tutorial.Target}), which {@code ./tokenlab tutorials} collects into
 * {@code build/notebooks/results.md} and checks.
 */
package org.tokenlab.tutorial;
