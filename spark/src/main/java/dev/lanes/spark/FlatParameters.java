package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

/**
 * The one place that moves a network's parameters and gradients to and from a single flat
 * {@code float[]}, the form in which they travel between the driver and the executors.
 *
 * <p>Layout: for each layer ℓ = 0…L−1 in order, W_ℓ (m_ℓ×m_{ℓ−1}, row-major) and then b_ℓ (m_ℓ).
 * Gradients use the same layout, so the optimizer step, the cross-partition sum and the broadcast
 * are each one pass over one array.
 */
final class FlatParameters {

    private FlatParameters() {
    }

    /** Number of parameters of a network with layer widths {@code sizes} (input width first). */
    static int count(int[] sizes) {
        long n = 0;
        for (int l = 1; l < sizes.length; l++) {
            n += (long) sizes[l] * sizes[l - 1] + sizes[l];
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a network of " + n + " parameters does not fit in one Java array");
        }
        return (int) n;
    }

    /** The network's parameters, flattened. */
    static float[] read(Network net) {
        float[] flat = new float[count(net.spec().sizes())];
        int off = 0;
        for (int l = 0; l < net.depth(); l++) {
            float[] w = net.layer(l).weightsView();
            float[] b = net.layer(l).biasesView();
            System.arraycopy(w, 0, flat, off, w.length);
            off += w.length;
            System.arraycopy(b, 0, flat, off, b.length);
            off += b.length;
        }
        return flat;
    }

    /** Copies {@code flat} into the network's parameters. */
    static void write(float[] flat, Network net) {
        checkLength(flat, net);
        int off = 0;
        for (int l = 0; l < net.depth(); l++) {
            float[] w = net.layer(l).weightsView();
            float[] b = net.layer(l).biasesView();
            System.arraycopy(flat, off, w, 0, w.length);
            off += w.length;
            System.arraycopy(flat, off, b, 0, b.length);
            off += b.length;
        }
    }

    /** Copies the gradients into {@code flat}, multiplied by {@code scale}. */
    static void flatten(Gradients g, float scale, float[] flat) {
        int off = 0;
        for (int l = 0; l < g.depth(); l++) {
            off = scaledCopy(g.weights(l), scale, flat, off);
            off = scaledCopy(g.biases(l), scale, flat, off);
        }
        if (off != flat.length) {
            throw new IllegalArgumentException("gradients hold " + off + " values, the flat buffer " + flat.length);
        }
    }

    /** Copies {@code flat} into the gradient buffers (which are live views). */
    static void unflatten(float[] flat, Gradients g) {
        int off = 0;
        for (int l = 0; l < g.depth(); l++) {
            float[] w = g.weights(l);
            float[] b = g.biases(l);
            System.arraycopy(flat, off, w, 0, w.length);
            off += w.length;
            System.arraycopy(flat, off, b, 0, b.length);
            off += b.length;
        }
        if (off != flat.length) {
            throw new IllegalArgumentException("gradients hold " + off + " values, the flat buffer " + flat.length);
        }
    }

    private static int scaledCopy(float[] src, float scale, float[] dst, int off) {
        if (scale == 1f) {
            System.arraycopy(src, 0, dst, off, src.length);
        } else {
            for (int i = 0; i < src.length; i++) {
                dst[off + i] = src[i] * scale;
            }
        }
        return off + src.length;
    }

    private static void checkLength(float[] flat, Network net) {
        int n = count(net.spec().sizes());
        if (flat.length != n) {
            throw new IllegalArgumentException("the network has " + n + " parameters but " + flat.length + " were given");
        }
    }
}
