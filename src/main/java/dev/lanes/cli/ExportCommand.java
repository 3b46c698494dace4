package dev.lanes.cli;

import dev.lanes.io.Model;
import dev.lanes.kernel.Kernels;
import dev.lanes.onnx.Onnx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lanes export --format onnx --model model.lanes --out model.onnx}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a Lanes model in another format: ONNX (standard operators: Sub/Div for the "
                + "preprocessing, Gemm per dense layer, its activation, Softmax; opset 13, or 20 with GELU).")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx",
            description = "The output format: onnx (the only one; default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (atomically).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!format.equalsIgnoreCase("onnx")) {
            throw new CommandLine.ParameterException(cl, "--format: '" + format + "' is not a format Lanes exports; use onnx");
        }
        Main.requireWritableFile(cl, "--out", out, modelOptions.model);
        Model model = modelOptions.load(Kernels.reference()).model();
        try {
            Onnx.write(model, out);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(modelOptions.model + ": " + e.getMessage(), e);
        }
        cl.getOut().println("wrote " + out + " (ONNX, " + model.inputs() + " inputs, " + model.outputs() + " outputs)");
        return ExitCodes.OK;
    }
}
