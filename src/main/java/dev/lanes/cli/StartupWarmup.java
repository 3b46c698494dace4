package dev.lanes.cli;

import dev.lanes.kernel.Kernels;
import dev.lanes.kernel.Transpose;
import dev.lanes.kernel.Warmup;
import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.nn.DenseSpec;
import dev.lanes.nn.DropoutSpec;
import dev.lanes.nn.Gradients;
import dev.lanes.nn.LayerSpec;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.nn.StepUpdate;
import dev.lanes.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Gets the kernels a command is about to use compiled while it reads its data.
 *
 * <p>Until C2 has compiled a Vector API kernel it runs tens to hundreds of times slower than
 * compiled code, and C2 compiles a method only after enough calls. This runs, on a background
 * thread, the forward pass (and the evaluation) of a <em>miniature</em> of the loaded network: the
 * same layers, activations and loss, widths shrunk so that every product still takes the same
 * GEMM path (dot products for a narrow output layer, the packed tiles otherwise) but costs
 * microseconds rather than milliseconds while it is still interpreted. Small inner dimensions keep each
 * call's loop count low, so HotSpot compiles the whole method after a few dozen calls instead of
 * first replacing one long-running loop (on-stack replacement) and later compiling again.
 *
 * <p>The miniature has its own weights and workspace and runs on single-threaded kernels: nothing
 * the command computes can change.
 */
final class StartupWarmup {

    /** Rows of the miniature's batch: one full 12-row tile and a partial one. */
    static final int ROWS = 20;

    /**
     * Calls of the miniature. Under the start-up flags (kernel thresholds scaled to 0.05) a
     * kernel called once per pass is queued for C2 after about 30 calls when its loops are short,
     * but C2 works through its queue while the rounds go on in C1 code; the waiting pass should
     * find the compiled code installed. Measured on {@code ./lanes eval} of 10,000 MNIST-sized rows
     * (3 interleaved runs each, medians): 60 rounds 2.23 s, 200 rounds 1.82 s, 500 rounds 1.86 s.
     */
    static final int ROUNDS = 200;

    /** Passes at least this large (floating-point operations) wait for the warm-up. */
    static final double JOIN_FLOPS = 1e8;

    /** A running warm-up: its completion, and a flag that ends it early. */
    static final class Handle {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean stop;
    }

    private StartupWarmup() {
    }

    /**
     * Starts warming {@code network}'s forward pass, and its evaluation against targets when
     * {@code evaluate}. Returns null, starting nothing, on the reference kernels, for a layer kind
     * it does not know, or when {@code -Dlanes.warmup=false}.
     */
    static Handle forward(Network network, boolean evaluate) {
        return start(network.spec(), network.kernels(), evaluate, null);
    }

    /**
     * Starts warming the training step of {@code network} on {@code kernels}: loss and gradients of
     * the miniature with the update of {@code optimizer} fused in, as the trainer runs it;
     * {@code optimizer} is a fresh instance of the optimizer the training uses (it keeps state
     * sized to the network it first sees). Needs only the network's
     * spec, so it can start before the data is read. Null where {@link #forward} is null.
     */
    static Handle training(NetworkSpec network, Kernels kernels, Optimizer optimizer) {
        return start(network, kernels, true, optimizer);
    }

    /** Ends {@code h}'s rounds early, if it is a running warm-up; null does nothing. */
    static void stop(Handle h) {
        if (h != null) {
            h.stop = true;
        }
    }

    private static Handle start(NetworkSpec spec, Kernels kernels, boolean evaluate, Optimizer optimizer) {
        NetworkSpec mini = miniature(spec);
        if ("false".equals(System.getProperty(Warmup.PROPERTY)) || !"simd".equals(kernels.name()) || mini == null) {
            return null;
        }
        Handle h = new Handle();
        Kernels one = kernels.singleThreaded();
        boolean beta = largestInput(spec) > KernelRegistry.forBits(one.vectorBits()).blocking().kc();
        Thread t = new Thread(() -> {
            try {
                Network scratch = Network.create(mini, 1, one);
                Gradients g = optimizer == null ? null : scratch.newGradients();
                // the step as training runs it, with the update fused in (a fresh optimizer of the
                // same kind: its state and step count are the scratch network's own)
                StepUpdate update = optimizer == null ? null : optimizer.stepUpdate(scratch, g);
                int f = scratch.inputs();
                int k = scratch.outputs();
                float[] x = new float[ROWS * f];
                float[] y = new float[ROWS * k];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i * 37 % 101) / 101f - 0.5f;
                }
                for (int r = 0; r < ROWS; r++) {
                    y[r * k + r % k] = 1f;
                }
                // Training reaches the beta tile once per later k block of every large product; four
                // products over four column panels a round get it queued for C2 before the first
                // epoch (with one 48-wide product it reached C2 a third of a second into the epoch).
                int n = optimizer != null ? 112 : 48;
                int reps = optimizer != null ? 4 : 1;
                int d = 32;
                float[] a = new float[ROWS * d];
                float[] b = new float[n * d];
                float[] c = new float[ROWS * n];
                for (int round = 0; round < ROUNDS && !h.stop; round++) {
                    if (optimizer != null) {
                        scratch.lossAndGradients(x, y, ROWS, g, update);
                        if (update == null) {
                            optimizer.step(scratch, g);
                        }
                    } else {
                        scratch.predict(x, ROWS);
                    }
                    if (evaluate) {
                        scratch.evaluate(x, y, ROWS);
                    }
                    if (beta) {
                        // A product deeper than one block of k adds its later blocks to C (beta = 1):
                        // the same tiles through another entry point, which the miniature never reaches.
                        for (int rep = 0; rep < reps; rep++) {
                            one.sgemm(Transpose.NONE, Transpose.TRANSPOSE, ROWS, n, d, 1f, a, 0, d, b, 0, d, 1f, c, 0, n);
                        }
                    }
                }
                h.done.complete(null);
            } catch (Throwable e) {
                h.done.completeExceptionally(e);
            }
        }, "lanes-warmup");
        t.setDaemon(true);
        t.start();
        return h;
    }

    /**
     * The same layers with widths that keep each product's GEMM path: a width of at most 24 (a
     * narrow output) stays; a wider one becomes 32 plus its remainder modulo 32 (the same tile
     * edges), or 64 plus that remainder where it feeds a narrow layer (the dot-product path needs
     * a depth of at least 64). Null for a layer kind this does not know.
     */
    static NetworkSpec miniature(NetworkSpec spec) {
        List<LayerSpec> layers = spec.layers();
        List<Integer> denseUnits = new ArrayList<>();
        for (LayerSpec l : layers) {
            if (l instanceof DenseSpec dense) {
                denseUnits.add(dense.units());
            } else if (!(l instanceof DropoutSpec)) {
                return null;
            }
        }
        NetworkSpec.Builder b = NetworkSpec.builder(shrink(spec.inputs(), denseUnits.get(0)));
        int denseIndex = 0;
        for (LayerSpec l : layers) {
            if (l instanceof DenseSpec dense) {
                int next = denseIndex + 1 < denseUnits.size() ? denseUnits.get(denseIndex + 1) : -1;
                int units = next < 0 ? shrink(dense.units(), Integer.MAX_VALUE) : shrink(dense.units(), next);
                b.dense(units, dense.activation());
                denseIndex++;
            } else {
                b.dropout(((DropoutSpec) l).rate());
            }
        }
        return b.loss(spec.loss()).spec();
    }

    private static int shrink(int width, int nextUnits) {
        if (width <= 24 || width < 64) {
            return width;
        }
        return (nextUnits <= 24 ? 64 : 32) + width % 32;
    }

    private static int largestInput(NetworkSpec spec) {
        int[] sizes = spec.sizes();
        int max = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            max = Math.max(max, sizes[i]);
        }
        return max;
    }

    /**
     * Before a pass over {@code rows} rows: when the pass is large (at least {@value #JOIN_FLOPS}
     * floating-point operations), waits for the warm-up, since the pass would otherwise run its
     * first chunks in uncompiled code, far slower than waiting for C2; a small pass (a few rows to
     * predict) costs less in cold code than the wait, so the warm-up is stopped instead.
     */
    static void beforePass(Handle h, Network network, long rows) {
        if (h == null) {
            return;
        }
        int[] sizes = network.spec().sizes();
        double flops = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            flops += 2.0 * rows * sizes[i] * sizes[i + 1];
        }
        if (flops >= JOIN_FLOPS) {
            h.done.join();
        } else {
            h.stop = true;
        }
    }
}
