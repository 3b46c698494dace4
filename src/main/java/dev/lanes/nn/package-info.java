/**
 * Feed-forward networks trained by mini-batch backpropagation, following §6 of the notes with the
 * batch as a matrix.
 *
 * <p>A {@link dev.lanes.nn.NetworkSpec} (input width, layers, loss) and a seed give a
 * {@link dev.lanes.nn.Network}. For a batch of B examples (B×m₀ row-major), each layer runs
 * Z = A·Wᵀ + b, A = σ(Z) as one GEMM plus element-wise kernels; the backward pass computes
 * dW = Δᵀ·A_prev, db = column sums of Δ and Δ_prev = (Δ·W) ∘ σ'(Z_prev), again one kernel call
 * each. Every operation goes through the network's {@link dev.lanes.kernel.Kernels}.
 *
 * <pre>{@code
 * NetworkSpec spec = NetworkSpec.of(new int[] {64, 64, 10}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY);
 * Network net = Network.create(spec, 1);                 // Kernels.best()
 * Gradients g = net.newGradients();
 * double loss = net.lossAndGradients(x, y, batch, g);    // ∂C/∂W, ∂C/∂b of the batch cost
 * float[] probabilities = net.predict(x, rows);
 * float[] w0 = net.weights(0);                           // a copy; setWeights(0, w0) copies back
 * }</pre>
 */
package dev.lanes.nn;
