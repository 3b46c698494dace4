package dev.lanes.cli;

import dev.lanes.data.Dataset;
import dev.lanes.data.Standardizer;
import dev.lanes.io.Model;
import dev.lanes.io.ModelFile;
import dev.lanes.io.StoredModel;
import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Network;
import dev.lanes.onnx.Onnx;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --model FILE}: a trained model (or checkpoint) loaded onto the chosen kernels. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "A model file written by 'lanes train' (a checkpoint works too), or an ONNX file "
                    + "(*.onnx) of a fully connected network.")
    Path model;

    /** A loaded model: the stored record, the network and its standardization. */
    record Loaded(Path file, StoredModel stored, Network network, Standardizer standardizer, Model model) {

        /** Fails with a message naming both shapes unless {@code d} fits the network. */
        void checkShape(Dataset d, String source) {
            StoredModel m = stored;
            if (d.features() != m.inputs() || d.outputs() != m.outputs()) {
                throw CliException.badInput("shape mismatch: the data " + source + " has " + d.features()
                        + " features and " + d.outputs() + (d.isClassification() ? " classes" : " targets")
                        + " (" + d.features() + " → " + d.outputs() + ") but the model " + file + " takes "
                        + m.inputs() + " features and gives " + m.outputs() + " outputs ("
                        + m.inputs() + " → " + m.outputs() + ")");
            }
        }

        /** The data standardized the way the model was trained, or as it is. */
        Dataset prepare(Dataset d) {
            try {
                return standardizer == null ? d : standardizer.apply(d);
            } catch (IllegalArgumentException e) {
                throw CliException.badInput(d.name() + ": " + e.getMessage(), e);
            }
        }

        boolean classifier() {
            return !stored.classNames().isEmpty();
        }
    }

    Loaded load(Kernels kernels) throws IOException {
        StoredModel stored = Onnx.isOnnxFile(model) ? Onnx.readStored(model) : ModelFile.readModel(model);
        Model m = Model.fromStored(stored, kernels, model);
        return new Loaded(model, stored, m.network(), m.preprocessing(), m);
    }
}
