package dev.lanes.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a feed-forward network, as plain data: input width n = m₀, the dense layers
 * ℓ = 1…L (index 0…L−1 in {@link #layers()}), and the loss. A model file needs only this and the
 * weights.
 *
 * @param inputs m₀, the number of input features, ≥ 1
 * @param layers the L ≥ 1 layers from the first hidden layer to the output layer
 * @param loss   the cost the network is trained on
 */
public record NetworkSpec(int inputs, List<LayerSpec> layers, Loss loss) {

    /**
     * @throws IllegalArgumentException if a size is not positive, there are no layers, softmax
     *     appears anywhere but the output, or the loss does not fit the output activation
     *     (cross-entropy needs a softmax output, softmax needs cross-entropy)
     */
    public NetworkSpec {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1 but was " + inputs);
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss must not be null");
        }
        layers = List.copyOf(layers);
        int last = layers.size() - 1;
        for (int i = 0; i < last; i++) {
            if (layers.get(i).activation() == Activation.SOFTMAX) {
                throw new IllegalArgumentException("layer " + i + ": SOFTMAX is only allowed on the output layer");
            }
        }
        Activation out = layers.get(last).activation();
        if (loss == Loss.CROSS_ENTROPY && out != Activation.SOFTMAX) {
            throw new IllegalArgumentException("CROSS_ENTROPY needs a SOFTMAX output layer but the output is " + out);
        }
        if (out == Activation.SOFTMAX && loss != Loss.CROSS_ENTROPY) {
            throw new IllegalArgumentException("a SOFTMAX output layer must be trained with CROSS_ENTROPY, not " + loss);
        }
    }

    /**
     * A spec from the layer widths and activations.
     *
     * @param sizes       m₀, m₁, …, m_L (input width first)
     * @param activations σ of layers 1…L (length sizes.length − 1)
     */
    public static NetworkSpec of(int[] sizes, Activation[] activations, Loss loss) {
        if (sizes.length < 2 || activations.length != sizes.length - 1) {
            throw new IllegalArgumentException("need sizes m0..mL (at least 2) and one activation per layer; got "
                    + sizes.length + " sizes and " + activations.length + " activations");
        }
        List<LayerSpec> ls = new ArrayList<>();
        for (int i = 1; i < sizes.length; i++) {
            ls.add(new LayerSpec(sizes[i], activations[i - 1]));
        }
        return new NetworkSpec(sizes[0], ls, loss);
    }

    /**
     * A spec whose hidden layers all use {@code hidden} and whose output layer uses {@code output}.
     *
     * @param sizes m₀, m₁, …, m_L (input width first)
     */
    public static NetworkSpec of(int[] sizes, Activation hidden, Activation output, Loss loss) {
        Activation[] acts = new Activation[sizes.length - 1];
        java.util.Arrays.fill(acts, hidden);
        if (acts.length > 0) {
            acts[acts.length - 1] = output;
        }
        return of(sizes, acts, loss);
    }

    /** L, the number of dense layers. */
    public int depth() {
        return layers.size();
    }

    /** m₀ … m_L: the input width followed by every layer's width. */
    public int[] sizes() {
        int[] s = new int[layers.size() + 1];
        s[0] = inputs;
        for (int i = 0; i < layers.size(); i++) {
            s[i + 1] = layers.get(i).units();
        }
        return s;
    }

    /** m_L, the width of the output layer. */
    public int outputs() {
        return layers.get(layers.size() - 1).units();
    }

    /** Number of trainable parameters, Σ_ℓ m_ℓ·(m_{ℓ−1} + 1). */
    public long parameterCount() {
        long n = 0;
        int prev = inputs;
        for (LayerSpec l : layers) {
            n += (long) l.units() * (prev + 1);
            prev = l.units();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (LayerSpec l : layers) {
            sb.append(" -> ").append(l.units()).append(' ').append(l.activation());
        }
        return sb.append(", ").append(loss).toString();
    }
}
