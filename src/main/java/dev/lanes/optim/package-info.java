/**
 * Parameter updates from mini-batch gradients, each one vectorized pass over the network's flat
 * parameters: {@link dev.lanes.optim.Sgd} (the notes' W ← W − η·∂C/∂W), {@link dev.lanes.optim.Momentum}
 * (both with optional L2 weight decay) and {@link dev.lanes.optim.Adam} (AdamW with a decoupled
 * weight decay), plus {@link dev.lanes.optim.GradientClipping} of the global gradient norm. Their
 * state can be exported and restored for exact resumption. Each also hands out its step in pieces
 * ({@link dev.lanes.optim.Optimizer#stepUpdate}), which the training step applies to each part of
 * the parameters right after computing its gradients, with the same bits as a whole step.
 */
package dev.lanes.optim;
