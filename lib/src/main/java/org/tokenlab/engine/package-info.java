/**
 * Whether the engine computes what it should on this machine: a start-up self-check of libtorch's
 * convolutions against a plain reference ({@link org.tokenlab.engine.ConvolutionSelfCheck}), and
 * {@link org.tokenlab.engine.EngineCheck}, which runs it once per process and routes convolutions away
 * from oneDNN where the check finds it wrong (AMD Zen 5 with libtorch 2.7.1).
 */
package org.tokenlab.engine;
