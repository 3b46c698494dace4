package dev.lanes.spark;

import dev.lanes.io.ModelFile;
import dev.lanes.io.Models;
import dev.lanes.io.StoredModel;
import dev.lanes.nn.Network;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The network part of a saved Spark model: a Lanes model file at {@code <path>/data/model.lanes}
 * on any Hadoop file system, written and read through a local temporary file (the library's
 * {@link ModelFile} works on local paths).
 */
final class ModelFiles {

    static final String DATA_FILE = "model.lanes";

    private ModelFiles() {
    }

    /** Writes {@code net} with output names {@code outputs} and the metadata {@code meta}. */
    static void save(Network net, List<String> outputs, Map<String, String> meta, String path, Configuration hadoop) {
        StoredModel stored = Models.toStored(net, null, outputs, meta);
        try {
            Path tmp = Files.createTempDirectory("lanes-spark");
            try {
                Path local = tmp.resolve(DATA_FILE);
                ModelFile.write(local, stored);
                org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path, "data"), DATA_FILE);
                FileSystem fs = dst.getFileSystem(hadoop);
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), dst);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Lanes model under " + path, e);
        }
    }

    /** Reads the network saved under {@code path}. */
    static StoredModel load(String path, Configuration hadoop) {
        try {
            Path tmp = Files.createTempDirectory("lanes-spark");
            try {
                Path local = tmp.resolve(DATA_FILE);
                org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path, "data"), DATA_FILE);
                FileSystem fs = src.getFileSystem(hadoop);
                fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(local.toUri()), true);
                return ModelFile.readModel(local);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Lanes model under " + path, e);
        }
    }

    /** The stored network's parameters in {@link FlatParameters}' layout. */
    static float[] flat(StoredModel stored) {
        float[] flat = new float[FlatParameters.count(stored.sizes())];
        int off = 0;
        for (var layer : stored.layers()) {
            System.arraycopy(layer.weights(), 0, flat, off, layer.weights().length);
            off += layer.weights().length;
            System.arraycopy(layer.biases(), 0, flat, off, layer.biases().length);
            off += layer.biases().length;
        }
        return flat;
    }

    /** The activation of the stored network's hidden layers (sigmoid, unused, when it has none). */
    static String hidden(StoredModel stored) {
        return stored.layers().size() > 1 ? stored.layers().get(0).activation() : "sigmoid";
    }

    /** The activation of the stored network's output layer. */
    static String output(StoredModel stored) {
        return stored.layers().get(stored.layers().size() - 1).activation();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
