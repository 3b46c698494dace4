/**
 * Feed-forward networks of {@link dev.lanes.nn.Layer}s trained by mini-batch backpropagation,
 * following §6 of the notes with the batch as a matrix.
 *
 * <p>A {@link dev.lanes.nn.NetworkSpec} (input width, layers, loss) and a seed give a
 * {@link dev.lanes.nn.Network}. Each layer is a forward/backward pair behind one contract
 * ({@link dev.lanes.nn.Layer}): a {@link dev.lanes.nn.Dense} layer runs Z = A·Wᵀ + b, A = σ(Z) as one
 * GEMM plus element-wise kernels, and its backward applies its own σ′, then computes
 * dW = Δᵀ·A_prev, db = column sums of Δ and ∂C/∂A_prev = Δ·W, one kernel call each; a
 * {@link dev.lanes.nn.Dropout} layer multiplies by its mask. All parameters live in one flat array
 * ({@link dev.lanes.nn.Network#parameters()}), the gradients in a second with the same layout
 * ({@link dev.lanes.nn.Gradients#flat()}). Every operation goes through the network's
 * {@link dev.lanes.kernel.Kernels}.
 *
 * <pre>{@code
 * Network net = Network.builder(64).dense(64, Activation.RELU).dropout(0.1)
 *         .dense(10, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).build(1);   // Kernels.best()
 * Gradients g = net.newGradients();
 * double loss = net.lossAndGradients(x, y, batch, g);    // ∂C/∂θ of the batch cost, g.flat()
 * StepUpdate adam = new Adam(1e-3f).stepUpdate(net, g);  // once; then per batch, a whole step:
 * loss = net.lossAndGradients(x, y, batch, g, adam);     // gradients, each piece then updated
 * float[] probabilities = net.predict(x, rows);
 * float[] all = new float[net.parameterCount()];
 * net.copyParametersTo(all);                             // every weight, one copy
 * }</pre>
 */
package dev.lanes.nn;
