package dev.lanes.io;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.optim.Adam;
import dev.lanes.train.TrainingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Format version 2: the layer list round-trips, and the reader bounds every count before allocating. */
class ModelFileV2Test {

    @TempDir
    Path dir;

    private static Network net() {
        return Network.builder(6).dense(8, Activation.GELU).dropout(0.25).dense(5, Activation.SILU)
                .dense(3, Activation.SOFTMAX).loss(Loss.CROSS_ENTROPY).build(21, Kernels.reference());
    }

    @Test
    void aNetworkOfLayerKindsRoundTripsAndPredictsTheSame() throws IOException {
        Network net = net();
        Path f = dir.resolve("m.lanes");
        ModelFile.write(f, Models.toStored(net, null, List.of("a", "b", "c"), Map.of("k", "v")));
        StoredModel m = ModelFile.readModel(f);
        assertEquals(List.of("dense", "dropout", "dense", "dense"), m.layers().stream().map(StoredLayer::kind).toList());
        assertEquals("0.25", m.layers().get(1).config().get("rate"));
        assertEquals("gelu", m.layers().get(0).activation());
        Network back = Models.toNetwork(m, Kernels.reference(), f);
        assertEquals(net.spec(), back.spec());
        assertArrayEquals(net.parameters(), back.parameters());
        float[] x = new float[4 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3f;
        }
        assertArrayEquals(net.predict(x, 4), back.predict(x, 4));
    }

    @Test
    void checkpointsKeepRandomStateAndBestParameters() throws IOException {
        Network net = net();
        Adam adam = new Adam(0.01f);
        TrainingState s = new TrainingState(3, net.parameters(), new long[] {-5L, 7L}, adam.state(), 0.25, 2, 1,
                net.parameters());
        Path f = dir.resolve("c.ckpt");
        ModelFile.write(f, Models.toCheckpoint(net.spec(), s, 4L, null, List.of(), Map.of(), Map.of()));
        TrainingState r = Models.toTrainingState(ModelFile.readCheckpoint(f), f);
        assertArrayEquals(new long[] {-5L, 7L}, r.randomState());
        assertArrayEquals(net.parameters(), r.parameters());
        assertArrayEquals(net.parameters(), r.bestParameters());
        assertEquals(2, r.bestEpoch());
    }

    /** Rewrites the u32 at {@code at} of a valid file and fixes the checksum, as a hostile writer would. */
    private Path forge(int at, int value) throws IOException {
        Path f = dir.resolve("ok.lanes");
        ModelFile.write(f, Models.toStored(net(), null, List.of(), Map.of()));
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(at, value);
        int n = (int) bb.getLong(16);
        CRC32 crc = new CRC32();
        crc.update(b, 0, 24 + n);
        bb.putInt(24 + n, (int) crc.getValue());
        Path t = dir.resolve("forged.lanes");
        Files.write(t, b);
        return t;
    }

    @Test
    void countsAreCheckedAgainstLimitsAndTheBytesLeftBeforeAllocating() throws IOException {
        Path many = forge(28, Integer.MAX_VALUE);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(many));
        assertTrue(e.getMessage().contains("more than the 65536 allowed"), e.getMessage());
        Path some = forge(28, 60_000);
        e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(some));
        assertTrue(e.getMessage().contains("list of 60000 layers needs 960000 bytes but only"), e.getMessage());
        // The first layer's kind string claims 2 GB.
        Path longKind = forge(32, Integer.MAX_VALUE);
        e = assertThrows(ModelFileException.class, () -> ModelFile.readModel(longKind));
        assertTrue(e.getMessage().contains("needs 2147483647 bytes but only"), e.getMessage());
    }

    @Test
    void aLayerWhoseWidthOrParametersDoNotFitItsConfigurationIsRefused() {
        StoredLayer dense = new StoredLayer(8, "relu", new float[6 * 8], new float[8]);
        StoredLayer dropout = new StoredLayer("dropout", Map.of("rate", "0.5"), 8, new float[3], new float[0]);
        StoredLayer out = new StoredLayer(2, "identity", new float[2 * 8], new float[2]);
        StoredModel m = new StoredModel(6, List.of(dense, dropout, out), "mse", List.of(), null, null, Map.of());
        Path f = dir.resolve("bad.lanes");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Models.specOf(m, f));
        assertTrue(e.getMessage().contains("layer 2 stores 8 units and 3 parameters but its configuration dropout 0.5 "
                + "needs 8 and 0"), e.getMessage());
        StoredLayer odd = new StoredLayer("pool", Map.of(), 8, new float[0], new float[0]);
        StoredModel unknown = new StoredModel(6, List.of(dense, odd, out), "mse", List.of(), null, null, Map.of());
        e = assertThrows(ModelFileException.class, () -> Models.specOf(unknown, f));
        assertTrue(e.getMessage().contains("unknown layer kind 'pool', which this Lanes does not know"), e.getMessage());
    }
}
