package dev.lanes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Side-by-side GEMM timing in one JVM: implementations take turns, one short slice each, round
 * after round, so a phase of the noisy machine slows all of them alike. Prints each one's median
 * GFLOP/s and the median over rounds of its ratio to the first implementation.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.lanes.bench.Interleaved \
 *      [-rounds 30] [-slice 0.3] [-impl openblas1,simd1] 512:512:512:N:N 512:784:256:T:N …
 * </pre>
 *
 * JMH stays the authority for absolute numbers; this answers "how do they compare right now".
 */
public final class Interleaved {

    private Interleaved() {
    }

    public static void main(String[] args) {
        int rounds = 30;
        double slice = 0.3;
        List<String> impls = List.of(GemmCase.OPENBLAS_1, GemmCase.SIMD_1);
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-slice" -> slice = Double.parseDouble(args[++i]);
                case "-impl" -> impls = List.of(args[++i].split(","));
                default -> shapes.add(Shape.parse(args[i]));
            }
        }
        if (shapes.isEmpty()) {
            System.err.println("usage: Interleaved [-rounds N] [-slice SECONDS] [-impl a,b,…] M:N:K:TA:TB …");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "%d rounds of %.2f s per implementation; ratios are to %s%n%n",
                rounds, slice, impls.getFirst());
        String first = impls.getFirst();
        System.out.println("| shape | " + String.join(" | ", impls) + " | "
                + String.join(" | ", impls.subList(1, impls.size()).stream().map(s -> s + " / " + first).toList()) + " |");
        System.out.println("|---|" + "---:|".repeat(2 * impls.size() - 1));
        for (Shape shape : shapes) {
            measure(shape, impls, rounds, slice);
        }
    }

    private static void measure(Shape shape, List<String> impls, int rounds, double slice) {
        GemmCase[] cases = new GemmCase[impls.size()];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = GemmCase.create(impls.get(i), shape, 42);
            cases[i].check();
        }
        try {
            // Warm-up: several seconds each, so the JIT has compiled the kernels.
            for (int w = 0; w < 5; w++) {
                for (GemmCase c : cases) {
                    timeSlice(c, shape, 1.0);
                }
            }
            double[][] gflops = new double[cases.length][rounds];
            double[][] ratio = new double[cases.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < cases.length; i++) {
                    gflops[i][r] = timeSlice(cases[i], shape, slice);
                }
                for (int i = 1; i < cases.length; i++) {
                    ratio[i][r] = gflops[i][r] / gflops[0][r];
                }
            }
            StringBuilder row = new StringBuilder("| " + shape.label() + " |");
            for (int i = 0; i < cases.length; i++) {
                row.append(String.format(Locale.ROOT, " %.1f |", Report.median(gflops[i])));
            }
            for (int i = 1; i < cases.length; i++) {
                row.append(String.format(Locale.ROOT, " %.2f× |", Report.median(ratio[i])));
            }
            System.out.println(row);
        } finally {
            for (GemmCase c : cases) {
                c.close();
            }
        }
    }

    /** Runs calls for about {@code seconds} and returns GFLOP/s. */
    private static double timeSlice(GemmCase c, Shape shape, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        long now;
        do {
            c.run();
            calls++;
            now = System.nanoTime();
        } while (now - start < budget);
        return shape.flops() * calls / (now - start);
    }
}
