package dev.lanes.io;

import dev.lanes.data.Dataset;
import dev.lanes.data.Datasets;
import dev.lanes.data.Standardizer;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {

    @TempDir
    Path dir;

    private static Network trained(Dataset train, Standardizer st) {
        Network net = Network.create(NetworkSpec.of(new int[] {64, 32, 10},
                Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY), 1, Kernels.reference());
        Trainer.builder().epochs(10).batchSize(32).seed(2).optimizer(new Adam(1e-3f)).build()
                .fit(net, st == null ? train : st.apply(train), null);
        return net;
    }

    @Test
    void savesAndLoadsInOneCallAndPredictsFromRawRows() throws IOException {
        Dataset.Split split = Datasets.digits().split(0.25, 42);
        Standardizer st = Standardizer.fit(split.first());
        Network net = trained(split.first(), st);
        Model model = Model.of(net, st, split.first().classNames(), Map.of("data", "digits"));
        Path file = dir.resolve("digits.lanes");
        model.save(file);

        Model back = Model.load(file, Kernels.reference());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), back.classNames());
        assertEquals("digits", back.metadata().get("data"));
        assertEquals("standardize", back.metadata().get(Model.PREPROCESSING_KEY));
        assertEquals(Standardizer.Kind.STANDARDIZE, back.preprocessing().kind());
        assertTrue(back.isClassifier());

        // The expected outputs, computed the long way: standardize by hand, run the network.
        Dataset test = split.second();
        float[] x = test.featureMatrix();
        float[] manual = net.predict(st.apply(test).featureMatrix(), test.size());
        float[] viaModel = back.predict(x, test.size());
        assertArrayEquals(manual, viaModel);
        assertArrayEquals(test.featureMatrix(), x, "predict must not modify its input");

        float[][] rows = new float[test.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[64];
            test.copyFeatures(i, rows[i], 0);
        }
        int[] classes = back.predictClass(rows);
        float[][] probs = back.predictProbabilities(rows);
        int correct = 0;
        for (int i = 0; i < rows.length; i++) {
            assertEquals(classes[i], back.predictClass(rows[i]));
            assertArrayEquals(probs[i], back.predictProbabilities(rows[i]));
            assertArrayEquals(java.util.Arrays.copyOfRange(manual, i * 10, i * 10 + 10), probs[i]);
            float sum = 0;
            for (float p : probs[i]) {
                sum += p;
            }
            assertEquals(1f, sum, 1e-5f);
            assertEquals(Integer.toString(classes[i]), back.predictClassName(rows[i]));
            if (classes[i] == test.label(i)) {
                correct++;
            }
        }
        // Ten epochs on the digits classify most of the held-out part.
        assertTrue(correct > 0.9 * rows.length, correct + " of " + rows.length);
    }

    @Test
    void simdModelStandardizesWithTheStandardizersBitsAndNamesANonFiniteInput() {
        Dataset.Split split = Datasets.digits().split(0.25, 42);
        Standardizer st = Standardizer.fit(split.first());
        Kernels simd = Kernels.create(new dev.lanes.kernel.KernelConfig(
                dev.lanes.kernel.KernelConfig.Implementation.SIMD, 0, 1, null));
        Network net = Network.create(NetworkSpec.of(new int[] {64, 32, 10},
                Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY), 1, simd);
        Model model = Model.of(net, st, split.first().classNames(), Map.of());
        Dataset test = split.second();
        float[] x = test.featureMatrix();
        assertArrayEquals(net.predict(st.apply(test).featureMatrix(), test.size()), model.predict(x, test.size()));

        x[5 * 64 + 17] = Float.NaN;
        x[9 * 64 + 3] = Float.POSITIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(x, test.size()));
        assertTrue(e.getMessage().startsWith("row 5, feature 17 is NaN, which is not finite after standardize"),
                e.getMessage());
    }

    @Test
    void minMaxPreprocessingTravelsWithTheModel() throws IOException {
        Dataset.Split split = Datasets.digits().split(0.25, 7);
        Standardizer mm = Standardizer.fitMinMax(split.first());
        Network net = trained(split.first(), mm);
        Path file = dir.resolve("mm.lanes");
        Model.of(net, mm, split.first().classNames(), Map.of()).save(file);
        Model back = Model.load(file, Kernels.reference());
        assertEquals(Standardizer.Kind.MIN_MAX, back.preprocessing().kind());
        assertEquals("min-max", back.metadata().get(Model.PREPROCESSING_KEY));
        float[] row = new float[64];
        split.second().copyFeatures(0, row, 0);
        float[] scaled = row.clone();
        mm.transform(scaled, 0, 1);
        assertArrayEquals(net.predict(scaled, 1), back.predict(row));
    }

    @Test
    void noPreprocessingAndRegressionModels() throws IOException {
        Network reg = Network.create(NetworkSpec.of(new int[] {3, 4, 2},
                Activation.TANH, Activation.IDENTITY, Loss.MSE), 5, Kernels.reference());
        Model m = Model.of(reg, null, List.of(), Map.of());
        Path file = dir.resolve("reg.lanes");
        m.save(file);
        Model back = Model.load(file, Kernels.reference());
        assertNull(back.preprocessing());
        assertEquals("none", back.metadata().get(Model.PREPROCESSING_KEY));
        float[] row = {0.5f, -1f, 2f};
        assertArrayEquals(reg.predict(row, 1), back.predict(row));
        assertThrows(IllegalStateException.class, () -> back.predictClass(row));
        assertThrows(IllegalStateException.class, () -> back.predictProbabilities(row));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> back.predict(new float[2]));
        assertTrue(e.getMessage().contains("2 features") && e.getMessage().contains("takes 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> back.predict(new float[7], 2));
        assertThrows(IllegalArgumentException.class,
                () -> Model.of(reg, null, List.of("a", "b", "c"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> Model.of(reg, Standardizer.of(new float[2], new float[] {1, 1}), List.of(), Map.of()));
    }

    @Test
    void unknownPreprocessingAndBrokenFilesAreNamedErrors() throws IOException {
        Network reg = Network.create(NetworkSpec.of(new int[] {2, 1},
                Activation.IDENTITY, Activation.IDENTITY, Loss.MSE), 5, Kernels.reference());
        StoredModel stored = Models.toStored(reg, Standardizer.of(new float[2], new float[] {1, 1}), List.of(),
                Map.of(Model.PREPROCESSING_KEY, "whiten"));
        Path file = dir.resolve("odd.lanes");
        ModelFile.write(file, stored);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(file, Kernels.reference()));
        assertTrue(e.getMessage().contains("odd.lanes") && e.getMessage().contains("whiten"), e.getMessage());
        Path junk = dir.resolve("junk.lanes");
        Files.writeString(junk, "not a model");
        assertThrows(ModelFileException.class, () -> Model.load(junk));
    }
}
