package dev.lanes.cli;

import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.onnx.Onnx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lanes import model.onnx --out model.lanes}. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Read an ONNX file of a fully connected network (as PyTorch or Keras export it) and write "
                + "it as a Lanes model file. Unsupported operators are refused with the node that uses them.")
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file to read.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The Lanes model file to write (atomically).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Main.requireWritableFile(cl, "--out", out, in);
        Model model = Onnx.read(in, Kernels.reference());
        model.save(out);
        cl.getOut().println("wrote " + out + " (" + model.network().spec() + ")");
        return ExitCodes.OK;
    }
}
