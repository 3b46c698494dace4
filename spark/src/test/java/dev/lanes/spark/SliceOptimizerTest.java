package dev.lanes.spark;

import dev.lanes.nn.Gradients;
import dev.lanes.nn.Network;
import dev.lanes.optim.Adam;
import dev.lanes.optim.Optimizer;
import dev.lanes.optim.Sgd;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Updating the parameter vector slice by slice gives the library optimizer's bits on the whole vector. */
class SliceOptimizerTest {

    @Test
    void slicesUpdateLikeTheLibraryOptimizerOnTheWholeVector() {
        // 23-17-5: 498 parameters, so slices of 3, 5 and 7 parts have lengths that are not
        // multiples of any vector width and the masked tails are exercised.
        int[] sizes = {23, 17, 5};
        for (String solver : new String[] {"sgd", "adam"}) {
            for (int parts : new int[] {1, 2, 3, 5, 7}) {
                float lr = solver.equals("sgd") ? 0.3f : 0.01f;
                Network whole = Network.create(Specs.classifier(sizes, "tanh"), 5);
                Optimizer lib = solver.equals("sgd") ? new Sgd(lr) : new Adam(lr);
                Gradients g = whole.newGradients();
                float[] params = whole.parameters().clone();
                int n = params.length;
                int[] lo = new int[parts + 1];
                SliceOptimizer[] opts = new SliceOptimizer[parts];
                for (int q = 0; q <= parts; q++) {
                    lo[q] = (int) ((long) n * q / parts);
                }
                for (int q = 0; q < parts; q++) {
                    opts[q] = new SliceOptimizer(solver, lr, lo[q + 1] - lo[q]);
                }
                SplittableRandom rnd = new SplittableRandom(parts);
                for (int step = 0; step < 6; step++) {
                    float[] grad = g.flat();
                    for (int i = 0; i < n; i++) {
                        // Gradients spanning several binades, some exact zeros.
                        grad[i] = rnd.nextInt(8) == 0 ? 0f : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-4, 2)));
                    }
                    lib.step(whole, g);
                    for (int q = 0; q < parts; q++) {
                        int len = lo[q + 1] - lo[q];
                        float[] gs = java.util.Arrays.copyOfRange(grad, lo[q], lo[q + 1]);
                        float[] ps = java.util.Arrays.copyOfRange(params, lo[q], lo[q + 1]);
                        opts[q].step(whole.kernels(), gs, ps);
                        System.arraycopy(ps, 0, params, lo[q], len);
                    }
                    assertArrayEquals(whole.parameters(), params, 0f, solver + ", " + parts + " slices, step " + (step + 1));
                }
            }
        }
    }
}
