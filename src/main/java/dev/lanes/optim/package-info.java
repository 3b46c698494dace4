/**
 * Parameter updates from mini-batch gradients: {@link dev.lanes.optim.Sgd} (the notes'
 * W ← W − η·∂C/∂W), {@link dev.lanes.optim.Momentum} and {@link dev.lanes.optim.Adam}. Their
 * state can be exported and restored for exact resumption.
 */
package dev.lanes.optim;
