package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;

/**
 * The one place that moves a network's parameters and gradients to and from the flat
 * {@code float[]} in which they travel between the driver and the executors: the library's own
 * flat buffers ({@link Network#parameters()}, {@link Gradients#flat()}), copied.
 *
 * <p>Layout: for each dense layer ℓ = 0…L−1 in order, W_ℓ (m_ℓ×m_{ℓ−1}, row-major) and then b_ℓ
 * (m_ℓ). Gradients use the same layout, so the cross-partition sum and the broadcast are each one
 * pass over one array.
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

    /** A copy of the network's flat parameters. */
    static float[] read(Network net) {
        return net.parameters().clone();
    }

    /** Copies {@code flat} into the network's parameters. */
    static void write(float[] flat, Network net) {
        checkLength(flat, net);
        System.arraycopy(flat, 0, net.parameters(), 0, flat.length);
    }

    /** Copies the gradients into {@code flat}, multiplied by {@code scale}. */
    static void flatten(Gradients g, float scale, float[] flat) {
        float[] src = g.flat();
        if (src.length != flat.length) {
            throw new IllegalArgumentException("gradients hold " + src.length + " values, the flat buffer " + flat.length);
        }
        if (scale == 1f) {
            System.arraycopy(src, 0, flat, 0, src.length);
        } else {
            for (int i = 0; i < src.length; i++) {
                flat[i] = src[i] * scale;
            }
        }
    }

    /** Copies {@code flat} into the gradient buffer. */
    static void unflatten(float[] flat, Gradients g) {
        float[] dst = g.flat();
        if (dst.length != flat.length) {
            throw new IllegalArgumentException("gradients hold " + dst.length + " values, the flat buffer " + flat.length);
        }
        System.arraycopy(flat, 0, dst, 0, flat.length);
    }

    private static void checkLength(float[] flat, Network net) {
        int n = net.parameterCount();
        if (flat.length != n) {
            throw new IllegalArgumentException("the network has " + n + " parameters but " + flat.length + " were given");
        }
    }
}
