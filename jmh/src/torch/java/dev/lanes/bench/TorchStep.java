package dev.lanes.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The training step of {@link TrainingStepBenchmark} written the way a libtorch user writes it:
 * {@code nn::Linear} layers, autograd, {@code optim::SGD} (no momentum), float32 on the CPU.
 *
 * <p>One {@link #step()} is {@code zero_grad}, forward, loss, {@code backward}, {@code step}. The
 * losses are Lanes' definitions: {@code sigmoidMse} is C = (1/B) Σ_b ‖a_b − y_b‖² (MSE summed
 * over the 10 outputs and averaged over the batch, not torch's mean over all elements), and
 * {@code reluSoftmaxCe} is torch's {@code cross_entropy} on the logits of the last layer with the
 * class indices of the one-hot targets, which is −(1/B) Σ_b log softmax(z_b)[y_b] — the same
 * function, fused the way torch users write it.
 *
 * <p>Every native object a step creates is released at the end of that step (a
 * {@link PointerScope}), so the garbage collector never holds libtorch memory.
 */
// PointerScope and NoGradGuard act by being open around a block; javac's "try" lint sees unused resources.
@SuppressWarnings("try")
final class TorchStep implements AutoCloseable {

    private final boolean sigmoidMse;
    private final int rows;
    private final LinearImpl[] layers;
    private final TensorVector parameters;
    private final SGD sgd;
    private final Tensor x;
    private final Tensor target;

    /**
     * @param model     {@code sigmoidMse} or {@code reluSoftmaxCe}
     * @param weights   per layer, m_ℓ×m_{ℓ−1} row-major (the layout of torch's {@code Linear.weight})
     * @param biases    per layer, length m_ℓ
     * @param x         rows × inputs, row-major
     * @param y         rows × outputs one-hot targets, row-major
     * @param rows      batch size B
     * @param rate      SGD learning rate
     */
    TorchStep(String model, float[][] weights, float[][] biases, float[] x, float[] y, int rows, float rate) {
        sigmoidMse = switch (model) {
            case "sigmoidMse" -> true;
            case "reluSoftmaxCe" -> false;
            default -> throw new IllegalArgumentException("model: " + model + " (sigmoidMse or reluSoftmaxCe)");
        };
        this.rows = rows;
        int depth = weights.length;
        layers = new LinearImpl[depth];
        parameters = new TensorVector();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int l = 0; l < depth; l++) {
                int out = biases[l].length;
                int in = weights[l].length / out;
                layers[l] = new LinearImpl(in, out);
                layers[l].weight().copy_(floats(weights[l], out, in));
                layers[l].bias().copy_(floats(biases[l], out));
                parameters.push_back(layers[l].weight());
                parameters.push_back(layers[l].bias());
            }
        }
        sgd = new SGD(parameters, new SGDOptions(rate));
        int outputs = biases[depth - 1].length;
        this.x = floats(x, rows, x.length / rows);
        if (sigmoidMse) {
            target = floats(y, rows, outputs);
        } else {
            long[] classes = new long[rows];
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int j = 1; j < outputs; j++) {
                    if (y[r * outputs + j] > y[r * outputs + best]) {
                        best = j;
                    }
                }
                classes[r] = best;
            }
            try (LongPointer p = new LongPointer(classes)) {
                target = torch.from_blob(p, new long[] {rows}, new TensorOptions(torch.ScalarType.Long)).clone();
            }
        }
    }

    /** A float32 tensor holding a copy of {@code values}, of the given shape. */
    static Tensor floats(float[] values, long... shape) {
        try (FloatPointer p = new FloatPointer(values)) {
            return torch.from_blob(p, shape, new TensorOptions(torch.ScalarType.Float)).clone();
        }
    }

    /** A copy of a float32 tensor's elements in row-major order. */
    static float[] toArray(Tensor t) {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = t.contiguous();
            float[] out = new float[Math.toIntExact(c.numel())];
            new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /** One SGD step on the batch; returns the loss before the update. */
    double step() {
        try (PointerScope scope = new PointerScope()) {
            sgd.zero_grad();
            Tensor loss = loss();
            loss.backward();
            sgd.step();
            return loss.item_float();
        }
    }

    /** Forward and loss (with the graph for backward), the first half of {@link #step()}. */
    Tensor loss() {
        Tensor a = x;
        for (int l = 0; l < layers.length; l++) {
            Tensor z = layers[l].forward(a);
            boolean last = l == layers.length - 1;
            a = sigmoidMse ? z.sigmoid() : last ? z : z.relu();
        }
        return sigmoidMse
                ? torch.mse_loss(a, target, torch.Reduction.Sum.value).div(new Scalar((double) rows))
                : torch.cross_entropy_loss(a, target);
    }

    /** Gradients of the last {@code backward}: per layer, weights then biases. */
    float[][] gradients() {
        float[][] g = new float[2 * layers.length][];
        try (PointerScope scope = new PointerScope()) {
            for (int l = 0; l < layers.length; l++) {
                g[2 * l] = toArray(layers[l].weight().grad());
                g[2 * l + 1] = toArray(layers[l].bias().grad());
            }
        }
        return g;
    }

    /** Current parameters: per layer, weights then biases. */
    float[][] parameters() {
        float[][] p = new float[2 * layers.length][];
        try (PointerScope scope = new PointerScope()) {
            for (int l = 0; l < layers.length; l++) {
                p[2 * l] = toArray(layers[l].weight());
                p[2 * l + 1] = toArray(layers[l].bias());
            }
        }
        return p;
    }

    @Override
    public void close() {
        sgd.close();
        parameters.close();
        x.close();
        target.close();
        for (LinearImpl l : layers) {
            l.close();
        }
    }
}
