package dev.lanes.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * How much a second (third, …) thread can add on this machine at all, before any library is
 * involved: each thread runs the same private loop over registers (no memory traffic, no shared
 * data), and the program prints how much work 1, 2, … N threads complete together, relative to
 * one thread. Two loops:
 * <ul>
 *   <li><b>latency</b>: one dependency chain of scalar multiply-adds, which leaves most of a core
 *       idle; two hardware threads of one core (SMT siblings) still run two of them at full speed;</li>
 *   <li><b>fma</b>: twelve independent chains of 512-bit (or the widest) vector FMAs, which keep
 *       a core's FMA units busy as a GEMM micro-kernel does; two threads on one physical core
 *       then share those units and get ~1× between them.</li>
 * </ul>
 * On dedicated cores both give N. On virtual CPUs that the host places on the two hardware threads
 * of one core, <b>fma</b> gives ~1 while <b>latency</b> still gives ~2: no GEMM-bound code can
 * scale beyond the <b>fma</b> figure. Rounds alternate the thread counts, so a slow phase of the
 * machine hits all of them; medians are printed.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp jmh/target/classes dev.lanes.bench.CoreCeiling [maxThreads=2] [rounds=9]
 * </pre>
 */
public final class CoreCeiling {

    private CoreCeiling() {
    }

    private static volatile double sink;

    /** About 0.1–0.3 s of dependent multiply-adds. */
    static double loop(long n) {
        double a = 1.0000001;
        double x = 1;
        for (long i = 0; i < n; i++) {
            x = x * a + 1e-9;
        }
        return x;
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> F = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;

    /** Twelve independent vector FMA chains, as many as a GEMM tile keeps in flight. */
    static double fmaLoop(long n) {
        var a = jdk.incubator.vector.FloatVector.broadcast(F, 0.999999f);
        var b = jdk.incubator.vector.FloatVector.broadcast(F, 1e-7f);
        var s0 = jdk.incubator.vector.FloatVector.broadcast(F, 1f);
        var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0;
        var s6 = s0; var s7 = s0; var s8 = s0; var s9 = s0; var s10 = s0; var s11 = s0;
        for (long i = 0; i < n; i++) {
            s0 = s0.fma(a, b); s1 = s1.fma(a, b); s2 = s2.fma(a, b); s3 = s3.fma(a, b);
            s4 = s4.fma(a, b); s5 = s5.fma(a, b); s6 = s6.fma(a, b); s7 = s7.fma(a, b);
            s8 = s8.fma(a, b); s9 = s9.fma(a, b); s10 = s10.fma(a, b); s11 = s11.fma(a, b);
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).add(s8).add(s9).add(s10).add(s11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Seconds for {@code threads} threads to each run the loop. */
    static double together(int threads, long n, boolean fma) throws InterruptedException {
        Thread[] ts = new Thread[threads - 1];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> sink = fma ? fmaLoop(n) : loop(n));
        }
        long start = System.nanoTime();
        for (Thread t : ts) {
            t.start();
        }
        sink = fma ? fmaLoop(n) : loop(n);
        for (Thread t : ts) {
            t.join();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    public static void main(String[] args) throws InterruptedException {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        long n = 100_000_000L;
        long nf = 30_000_000L;
        loop(n / 10);
        fmaLoop(nf / 10);
        double[][] speedup = new double[max + 1][rounds];
        double[][] fmaSpeedup = new double[max + 1][rounds];
        for (int r = 0; r < rounds; r++) {
            double one = together(1, n, false);
            double oneF = together(1, nf, true);
            for (int t = 2; t <= max; t++) {
                speedup[t][r] = t * one / together(t, n, false);
                fmaSpeedup[t][r] = t * oneF / together(t, nf, true);
            }
        }
        System.out.printf(Locale.ROOT, "%d processors; %d rounds; throughput of N threads over one thread "
                + "(N means N full cores):%n", Runtime.getRuntime().availableProcessors(), rounds);
        for (int t = 2; t <= max; t++) {
            System.out.printf(Locale.ROOT, "  %d threads: latency %s; fma %s%n", t, summary(speedup[t]),
                    summary(fmaSpeedup[t]));
        }
    }

    private static String summary(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "median %.2f (min %.2f, max %.2f)", s[s.length / 2], s[0], s[s.length - 1]);
    }
}
