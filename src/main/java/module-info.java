/**
 * Lanes: SIMD-accelerated numerical kernels and mini-batch neural-network training, pure Java.
 *
 * <p>The Vector API module is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library runs on its scalar reference kernels.
 *
 * <p>The command-line tool ({@code dev.lanes.cli}) lives in this module too, but its libraries
 * (picocli, XChart) are {@code requires static} as well: no other package names them,
 * so a program that uses Lanes as a library needs nothing but the JDK.
 */
module dev.lanes {
    requires static jdk.incubator.vector;
    requires jdk.management;

    requires static info.picocli;
    requires static xchart;
    requires static java.desktop;
    requires static java.logging;

    exports dev.lanes.kernel;
    exports dev.lanes.data;
    exports dev.lanes.nn;
    exports dev.lanes.optim;
    exports dev.lanes.train;
    exports dev.lanes.io;
    exports dev.lanes.metrics;
    exports dev.lanes.predict;
    exports dev.lanes.onnx;

    opens dev.lanes.cli to info.picocli;
}
