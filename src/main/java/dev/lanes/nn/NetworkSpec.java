package dev.lanes.nn;

import dev.lanes.kernel.Kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a feed-forward network, as plain data: input width n = m₀, the layers in
 * order (dense layers ℓ = 1…L, possibly with dropout layers between them), and the loss. A model
 * file needs only this and the parameters.
 *
 * @param inputs m₀, the number of input features, ≥ 1
 * @param layers the layers from the first hidden layer to the output layer, which is dense
 * @param loss   the cost the network is trained on
 */
public record NetworkSpec(int inputs, List<LayerSpec> layers, Loss loss) {

    /**
     * @throws IllegalArgumentException if a size is not positive, there are no layers, the last
     *     layer is not dense, softmax appears anywhere but the output, or the loss does not fit the
     *     output activation (cross-entropy needs a softmax output, softmax needs cross-entropy)
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
            if (layers.get(i) instanceof DenseSpec d && d.activation() == Activation.SOFTMAX) {
                throw new IllegalArgumentException("layer " + i + ": SOFTMAX is only allowed on the output layer");
            }
        }
        if (!(layers.get(last) instanceof DenseSpec outLayer)) {
            throw new IllegalArgumentException("the output layer must be dense but is " + layers.get(last));
        }
        Activation out = outLayer.activation();
        if (loss == Loss.CROSS_ENTROPY && out != Activation.SOFTMAX) {
            throw new IllegalArgumentException("CROSS_ENTROPY needs a SOFTMAX output layer but the output is " + out);
        }
        if (out == Activation.SOFTMAX && loss != Loss.CROSS_ENTROPY) {
            throw new IllegalArgumentException("a SOFTMAX output layer must be trained with CROSS_ENTROPY, not " + loss);
        }
    }

    /** A builder of a network with {@code inputs} input features; see {@link Builder}. */
    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    /**
     * A spec of dense layers from the layer widths and activations.
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
            ls.add(new DenseSpec(sizes[i], activations[i - 1]));
        }
        return new NetworkSpec(sizes[0], ls, loss);
    }

    /**
     * A spec of dense layers whose hidden layers all use {@code hidden} and whose output layer
     * uses {@code output}.
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

    /** The number of layers of every kind (L for a network of dense layers only). */
    public int depth() {
        return layers.size();
    }

    /** The input width followed by every layer's output width (m₀ … m_L for dense layers). */
    public int[] sizes() {
        int[] s = new int[layers.size() + 1];
        s[0] = inputs;
        for (int i = 0; i < layers.size(); i++) {
            s[i + 1] = layers.get(i).outputs(s[i]);
        }
        return s;
    }

    /** m_L, the width of the output layer. */
    public int outputs() {
        int[] s = sizes();
        return s[s.length - 1];
    }

    /** The output layer. */
    public DenseSpec outputLayer() {
        return (DenseSpec) layers.getLast();
    }

    /** Number of trainable parameters, Σ over dense layers of m_ℓ·(m_{ℓ−1} + 1). */
    public long parameterCount() {
        long n = 0;
        int prev = inputs;
        for (LayerSpec l : layers) {
            n += l.parameterCount(prev);
            prev = l.outputs(prev);
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (LayerSpec l : layers) {
            sb.append(" -> ").append(l);
        }
        return sb.append(", ").append(loss).toString();
    }

    /**
     * Reads like the architecture:
     * <pre>{@code
     * Network net = Network.builder(784).dense(512, RELU).dropout(0.2).dense(10, SOFTMAX)
     *         .loss(CROSS_ENTROPY).build(seed);
     * }</pre>
     */
    public static final class Builder {
        private final int inputs;
        private final List<LayerSpec> layers = new ArrayList<>();
        private Loss loss;

        private Builder(int inputs) {
            this.inputs = inputs;
        }

        /** Appends a dense layer. */
        public Builder dense(int units, Activation activation) {
            return layer(new DenseSpec(units, activation));
        }

        /** Appends an inverted-dropout layer of {@code rate} in [0, 1). */
        public Builder dropout(double rate) {
            return layer(new DropoutSpec(rate));
        }

        /** Appends a layer of any kind. */
        public Builder layer(LayerSpec layer) {
            layers.add(java.util.Objects.requireNonNull(layer, "layer"));
            return this;
        }

        /** Sets the loss. */
        public Builder loss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /**
         * The spec.
         *
         * @throws IllegalArgumentException as {@link NetworkSpec#NetworkSpec} does
         */
        public NetworkSpec spec() {
            return new NetworkSpec(inputs, layers, loss);
        }

        /** A freshly initialised network on {@link Kernels#best()}; see {@link Network#create}. */
        public Network build(long seed) {
            return Network.create(spec(), seed);
        }

        /** A freshly initialised network on {@code kernels}. */
        public Network build(long seed, Kernels kernels) {
            return Network.create(spec(), seed, kernels);
        }
    }
}
