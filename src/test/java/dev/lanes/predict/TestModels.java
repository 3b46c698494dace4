package dev.lanes.predict;

import dev.lanes.data.Standardizer;
import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small random models for the predictor and ONNX tests. */
public final class TestModels {

    private TestModels() {
    }

    /**
     * A model inputs-hidden(-hidden)-outputs with the hidden activation, a dropout layer, random
     * preprocessing and, for cross-entropy, softmax output and class names.
     */
    public static Model model(int inputs, int[] hidden, int outputs, Activation act, Loss loss, long seed,
                              Kernels kernels) {
        var b = Network.builder(inputs);
        for (int i = 0; i < hidden.length; i++) {
            b.dense(hidden[i], act);
            if (i == 0) {
                b.dropout(0.25);
            }
        }
        Activation out = loss == Loss.CROSS_ENTROPY ? Activation.SOFTMAX : Activation.IDENTITY;
        if (loss == Loss.MSE && act == Activation.SIGMOID) {
            out = Activation.SIGMOID;
        }
        Network net = b.dense(outputs, out).loss(loss).build(seed, kernels);
        Random rnd = new Random(seed);
        // Biases are zero after initialisation; give them values so they are exercised.
        float[] p = net.parameters();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (rnd.nextGaussian() * 0.05);
        }
        float[] mean = new float[inputs];
        float[] std = new float[inputs];
        for (int j = 0; j < inputs; j++) {
            mean[j] = (float) rnd.nextGaussian();
            std[j] = 0.5f + rnd.nextFloat() * 2;
        }
        List<String> names = new ArrayList<>();
        if (loss == Loss.CROSS_ENTROPY) {
            for (int c = 0; c < outputs; c++) {
                names.add("class-" + c);
            }
        }
        return Model.of(net, Standardizer.of(mean, std), names, Map.of("test", "yes"));
    }

    /** rows×n raw features around the preprocessing's means. */
    public static float[] rows(Random rnd, int rows, int n) {
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        return x;
    }
}
