/**
 * Lanes: SIMD-accelerated numerical kernels and mini-batch neural-network training, pure Java.
 *
 * <p>The Vector API module is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library runs on its scalar reference kernels.
 */
module dev.lanes {
    requires static jdk.incubator.vector;
    requires jdk.management;

    exports dev.lanes.kernel;
    exports dev.lanes.data;
    exports dev.lanes.nn;
    exports dev.lanes.optim;
    exports dev.lanes.train;
}
