package dev.lanes.io;

import dev.lanes.kernel.Kernels;
import dev.lanes.nn.Network;
import dev.lanes.train.TrainingState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files written by the format-version-1 writer (committed as test resources, made before the
 * writer moved on) still load: the same architecture, the same weights (the outputs for the
 * recorded input are bit-identical to those recorded at writing time) and a resumable state.
 */
class ModelFileV1FixtureTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ModelFileV1FixtureTest.class.getResource(name).toURI());
    }

    @Test
    void aVersion1ModelLoadsAndPredictsAsWhenItWasWritten() throws Exception {
        Path f = resource("v1-model.lanes");
        StoredModel m = ModelFile.readModel(f);
        assertEquals(4, m.inputs());
        assertEquals("cross-entropy", m.loss());
        assertEquals(2, m.outputs());
        Network net = Models.toNetwork(m, Kernels.reference(), f);
        assertEquals("4 -> 3 TANH -> 2 SOFTMAX, CROSS_ENTROPY", net.spec().toString());
        float[] x = parse(m.metadata().get("fixture.input"));
        float[] out = net.predict(x, 2);
        int[] want = Arrays.stream(m.metadata().get("fixture.output.bits").split(" "))
                .mapToInt(Integer::parseInt).toArray();
        int[] got = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            got[i] = Float.floatToRawIntBits(out[i]);
        }
        assertEquals(Arrays.toString(want), Arrays.toString(got));
    }

    @Test
    void aVersion1CheckpointLoadsWithItsOptimizerState() throws Exception {
        Path f = resource("v1-checkpoint.lanes.ckpt");
        Checkpoint c = ModelFile.readCheckpoint(f);
        assertEquals(2, c.epochs());
        assertEquals(7L, c.seed());
        TrainingState s = Models.toTrainingState(c, f);
        assertEquals("momentum", s.optimizer().optimizer());
        assertEquals(2, s.optimizer().steps());
        assertEquals(2, s.epochsCompleted());
        long values = s.optimizer().buffers().stream().mapToLong(b -> b.length).sum();
        assertEquals(3 * 4 + 3 + 2 * 3 + 2, values);
    }

    private static float[] parse(String s) throws IOException {
        String[] p = s.split(" ");
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Float.parseFloat(p[i]);
        }
        return v;
    }
}
