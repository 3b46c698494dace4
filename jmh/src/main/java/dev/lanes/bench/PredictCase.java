package dev.lanes.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanes.io.Model;
import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Network;
import dev.lanes.onnx.Onnx;
import dev.lanes.predict.Predictor;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One prediction workload, the same 784-512-512-10 network (ReLU, softmax; seeded weights) on
 * Lanes' {@link Predictor} or on ONNX Runtime (the model exported with {@link Onnx}), with the
 * given batch size and thread count (Lanes' kernel threads; ONNX Runtime's intra-op threads).
 * {@link #run()} predicts one batch into a reused output array.
 */
final class PredictCase implements AutoCloseable {

    static final int[] SIZES = {784, 512, 512, 10};

    final String impl;
    final int batch;
    private final float[] x;
    private final float[] out;
    private Predictor predictor;
    private OrtSession session;
    private OnnxTensor input;
    private String inputName;

    static Model model() {
        return model(false);
    }

    /**
     * The network, with a standardizer in front when {@code standardized} (a mean and a deviation
     * per input, as {@code lanes train} keeps them; ONNX Runtime then runs the exported Sub and Div).
     */
    static Model model(boolean standardized) {
        Network net = Network.builder(SIZES[0]).dense(SIZES[1], Activation.RELU).dense(SIZES[2], Activation.RELU)
                .dense(SIZES[3], Activation.SOFTMAX).loss(dev.lanes.nn.Loss.CROSS_ENTROPY).build(1, Kernels.reference());
        dev.lanes.data.Standardizer standardizer = null;
        if (standardized) {
            SplittableRandom rnd = new SplittableRandom(11);
            float[] mean = new float[SIZES[0]];
            float[] std = new float[SIZES[0]];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = (float) rnd.nextDouble(0.2, 0.6);
                std[j] = (float) rnd.nextDouble(0.1, 0.5);
            }
            standardizer = dev.lanes.data.Standardizer.of(mean, std);
        }
        return Model.of(net, standardizer, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Map.of());
    }

    PredictCase(String impl, int batch, int threads, Model model) throws OrtException {
        this.impl = impl;
        this.batch = batch;
        x = new float[batch * SIZES[0]];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();          // pixels in [0, 1], as MNIST after scaling
        }
        out = new float[batch * SIZES[3]];
        switch (impl) {
            case "lanes" -> {
                Kernels k = Kernels.create(new KernelConfig(KernelConfig.Implementation.SIMD, 0, threads, null));
                predictor = Predictor.of(model, k);
            }
            case "ort" -> {
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                    o.setIntraOpNumThreads(threads);
                    o.setInterOpNumThreads(1);
                    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    session = env.createSession(Onnx.toBytes(model), o);
                }
                inputName = session.getInputNames().iterator().next();
                // One input tensor over a direct buffer, made once: ONNX Runtime's cheapest way in.
                FloatBuffer buf = java.nio.ByteBuffer.allocateDirect(x.length * 4)
                        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
                buf.put(x).flip();
                input = OnnxTensor.createTensor(env, buf, new long[] {batch, SIZES[0]});
            }
            default -> throw new IllegalArgumentException("impl: " + impl);
        }
    }

    /** Predicts the batch; returns one output so the work cannot be optimized away. */
    float run() throws OrtException {
        if (predictor != null && batch == 1) {
            // The one-row method: the matrix-vector path a service calls per request.
            predictor.predict(x, 0, out, 0);
        } else if (predictor != null) {
            predictor.predict(x, 0, batch, out, 0);
        } else {
            try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
            }
        }
        return out[out.length - 1];
    }

    /** The two implementations agree on the first row within 1e-5 (checked once per setup). */
    float[] firstRow() throws OrtException {
        run();
        return java.util.Arrays.copyOf(out, SIZES[3]);
    }

    @Override
    public void close() throws OrtException {
        if (input != null) {
            input.close();
        }
        if (session != null) {
            session.close();
        }
    }
}
