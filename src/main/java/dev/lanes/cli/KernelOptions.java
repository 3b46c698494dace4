package dev.lanes.cli;

import dev.lanes.kernel.KernelConfig;
import dev.lanes.kernel.Kernels;
import picocli.CommandLine.Option;

/** The options that choose the kernels, shared by the commands that compute. */
final class KernelOptions {

    @Option(names = "--kernels", paramLabel = "reference|simd|best", defaultValue = "best",
            converter = ImplementationConverter.class,
            description = "Kernel implementation (default: ${DEFAULT-VALUE}). best = SIMD when the "
                    + "Vector API runs well here, else the scalar reference with a warning.")
    KernelConfig.Implementation implementation;

    @Option(names = "--threads", converter = Ranges.Threads.class, paramLabel = "N", defaultValue = "0",
            description = "Threads a training step, evaluation or prediction may use (results are the same "
                    + "bits for every count); 0 = all processors (default).")
    int threads;

    /** The kernels these options describe; exits with a usage error for a negative thread count. */
    Kernels kernels(picocli.CommandLine cl) {
        if (threads < 0) {
            throw new picocli.CommandLine.ParameterException(cl,
                    "--threads must be 0 (all processors) or positive but was " + threads);
        }
        try {
            return Kernels.create(new KernelConfig(implementation, 0, threads, null));
        } catch (IllegalStateException e) {
            throw new CliException(ExitCodes.FAILURE, e.getMessage(), e);
        }
    }

    /** Parses reference|simd|best with the same words and message as the system property. */
    static final class ImplementationConverter implements picocli.CommandLine.ITypeConverter<KernelConfig.Implementation> {
        @Override
        public KernelConfig.Implementation convert(String value) {
            try {
                return KernelConfig.Implementation.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected reference, simd or best but got '" + value + "'");
            }
        }
    }
}
