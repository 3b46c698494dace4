package dev.lanes.bench;

import ai.onnxruntime.OrtException;
import dev.lanes.io.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Prediction of a 784-512-512-10 ReLU/softmax network: Lanes' {@code Predictor} against ONNX
 * Runtime running the same model exported by Lanes. The score is batches per second;
 * predictions/s = batch × score, and at batch 1 the mean latency is 10⁶/score µs.
 *
 * <p>{@code impl}: {@code lanes} or {@code ort}. {@code threads}: {@code 1} or {@code all} (the
 * available processors) — Lanes' kernel threads or ONNX Runtime's intra-op threads; one caller.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class PredictBenchmark {

    @Param({"lanes", "ort"})
    public String impl;

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"1", "all"})
    public String threads;

    private PredictCase c;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        Model model = PredictCase.model();
        int t = threads.equals("all") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
        c = new PredictCase(impl, batch, t, model);
        // Both must compute the same function: compare the first row with the other implementation.
        try (PredictCase other = new PredictCase(impl.equals("lanes") ? "ort" : "lanes", batch, 1, model)) {
            float[] a = c.firstRow();
            float[] b = other.firstRow();
            for (int j = 0; j < a.length; j++) {
                if (Math.abs(a[j] - b[j]) > 1e-5f) {
                    throw new IllegalStateException("lanes and ort differ at output " + j + ": " + a[j] + " vs " + b[j]);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        c.close();
    }

    @Benchmark
    public float predict() throws OrtException {
        return c.run();
    }
}
