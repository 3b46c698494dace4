package dev.lanes.fuzz;

import dev.lanes.io.Checkpoint;
import dev.lanes.io.ModelFile;
import dev.lanes.io.StoredLayer;
import dev.lanes.io.StoredModel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small valid inputs of every reader, the starting points of the mutation and fuzz tests. */
final class Seeds {

    private Seeds() {
    }

    static StoredModel model() {
        StoredLayer l1 = new StoredLayer(3, "tanh", new float[] {1, 2, 3, 4, 5, 6, -1.5f, 0.25f, 1e-30f, 7, 8, 9},
                new float[] {0.1f, 0.2f, 0.3f});
        StoredLayer l2 = new StoredLayer(2, "softmax", new float[] {1, -1, 2, -2, 3, -3}, new float[] {0, 1});
        return new StoredModel(4, List.of(l1, l2), "cross-entropy", List.of("cat", "dog"),
                new float[] {0, 1, 2, 3}, new float[] {1, 2, 3, 4}, Map.of("data", "toy", "epochs", "3"));
    }

    static Checkpoint checkpoint() {
        return new Checkpoint(model(), 3, 42L,
                Map.of("optimizer.state.name", "momentum", "optimizer.state.steps", "12", "--batch", "8"),
                Map.of("optimizer.buffer.0000", new float[] {0.5f, -0.5f, 1, 2}, "optimizer.buffer.0001",
                        new float[] {3}));
    }

    static byte[] modelBytes(Path dir) throws IOException {
        Path f = dir.resolve("seed.lanes");
        ModelFile.write(f, model());
        return Files.readAllBytes(f);
    }

    /** {@link #model()} exported to ONNX, as {@code lanes export --format onnx} writes it. */
    static byte[] onnxBytes() throws IOException {
        return dev.lanes.onnx.Onnx.toBytes(dev.lanes.io.Model.fromStored(model(), dev.lanes.kernel.Kernels.reference(),
                Path.of("seed.lanes")));
    }

    static byte[] checkpointBytes(Path dir) throws IOException {
        Path f = dir.resolve("seed.lanes.ckpt");
        ModelFile.write(f, checkpoint());
        return Files.readAllBytes(f);
    }

    static final List<String> CSVS = List.of(
            "x1,x2,label\n0.5,1,a\n-2,3e-2,b\n4,\"5\",a\n",
            "1,2,3,0\n4,5,6,1\n7,8,9,2\n",
            "\uFEFFa;b;y\n1;2;3.5\n4;5;-6\n",
            "\"p,q\",r,s\n1,2,\"x \"\"y\"\"\"\n3,4,z\n\n5,6,z\n");

    /** An IDX images file of {@code count} images of 2×3 pixels. */
    static byte[] idxImages(int count) {
        ByteBuffer b = ByteBuffer.allocate(16 + 6 * count);
        b.putInt(0x00000803).putInt(count).putInt(2).putInt(3);
        for (int i = 0; i < 6 * count; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    /** An IDX labels file of {@code count} labels 0, 1, 2, 0, .... */
    static byte[] idxLabels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count);
        b.putInt(0x00000801).putInt(count);
        for (int i = 0; i < count; i++) {
            b.put((byte) (i % 3));
        }
        return b.array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
