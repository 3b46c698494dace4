package dev.lanes.kernel;

import dev.lanes.kernel.scalar.ScalarKernels;
import dev.lanes.kernel.spi.KernelRegistry;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * Chooses the kernel implementation at run time. Only {@code dev.lanes.kernel.simd} names
 * incubator types, and it is loaded reflectively here, so the library loads and runs without
 * {@code --add-modules jdk.incubator.vector}.
 */
final class KernelSelection {

    static final String FLAG = "--add-modules jdk.incubator.vector";
    private static final String SIMD_CLASS = "dev.lanes.kernel.simd.VectorKernels";
    private static final System.Logger LOG = System.getLogger("dev.lanes.kernel");

    private static final Kernels REFERENCE = new ScalarKernels("chosen explicitly");

    private KernelSelection() {
    }

    static Kernels reference() {
        return REFERENCE;
    }

    /** The choice of {@link Kernels#best()}, made once per JVM on first use. */
    private static volatile Kernels best;

    static Kernels best() {
        Kernels k = best;
        if (k == null) {
            // Not a holder class: a bad lanes.* property must surface as the IllegalArgumentException
            // that names it, not as an ExceptionInInitializerError and NoClassDefFoundError after it.
            synchronized (KernelSelection.class) {
                k = best;
                if (k == null) {
                    k = create(KernelConfig.fromSystemProperties());
                    // A fallback has already said so in its WARNING; one line per choice is enough.
                    if (!(k instanceof ScalarKernels sk && sk.isFallback())) {
                        LOG.log(System.Logger.Level.INFO, "Lanes kernels: " + k.describe());
                    }
                    best = k;
                }
            }
        }
        return k;
    }

    static Kernels create(KernelConfig config) {
        return switch (config.implementation()) {
            case REFERENCE -> config.vectorBits() == 0 && config.threads() <= 1
                    ? REFERENCE : new ScalarKernels("chosen explicitly");
            case SIMD -> simd(config);
            case BEST -> {
                // A width the user forces is taken as wanted, even if narrow; only the
                // preferred width has to be wide enough to beat the scalar loops.
                Optional<String> why = simdUnavailable(config.vectorBits(), config.vectorBits() == 0);
                if (why.isPresent()) {
                    LOG.log(System.Logger.Level.WARNING, "Lanes: using the scalar reference kernels, "
                            + "which are much slower: " + why.get());
                    yield new ScalarKernels("fallback: " + why.get());
                }
                yield load(config, "best available: Vector API readable, C2 present, "
                        + preferredBits() + "-bit vectors preferred");
            }
        };
    }

    static Kernels simd(KernelConfig config) {
        Optional<String> why = simdUnavailable(config.vectorBits(), false);
        if (why.isPresent()) {
            throw new IllegalStateException("Lanes SIMD kernels are not available: " + why.get());
        }
        return load(config, "chosen explicitly");
    }

    /** Why the SIMD kernels cannot (or, for {@code best}, should not) run here; empty if they can. */
    static Optional<String> simdUnavailable(int requestedBits, boolean requireWide) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
                || !KernelSelection.class.getModule().canRead(
                        ModuleLayer.boot().findModule("jdk.incubator.vector").get())) {
            return Optional.of("the module jdk.incubator.vector is not readable; start the JVM with " + FLAG);
        }
        Optional<String> noC2 = Jit.c2Missing();
        if (noC2.isPresent()) {
            return noC2;
        }
        int preferred = preferredBits();
        if (preferred <= 0) {
            return Optional.of("the Vector API classes could not be loaded");
        }
        if (requestedBits > preferred) {
            return Optional.of("lanes.vectorBits=" + requestedBits + " exceeds the "
                    + preferred + "-bit vectors this CPU supports");
        }
        int effective = requestedBits == 0 ? preferred : requestedBits;
        if (!KernelRegistry.isRegistered(effective)) {
            return Optional.of("there are no kernels for the " + effective + "-bit vectors this CPU prefers (only for "
                    + KernelRegistry.describeWidths() + "); set lanes.vectorBits to one of those");
        }
        if (requireWide && !KernelRegistry.forBits(effective).wideEnough()) {
            return Optional.of("the " + effective + "-bit kernels are not chosen by default (not yet measured on "
                    + effective + "-bit hardware); -Dlanes.kernels=simd runs them");
        }
        return Optional.empty();
    }

    private static int preferredBits() {
        try {
            return (int) Class.forName(SIMD_CLASS).getMethod("preferredVectorBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    private static Kernels load(KernelConfig config, String reason) {
        try {
            Kernels k = (Kernels) Class.forName(SIMD_CLASS)
                    .getConstructor(KernelConfig.class, String.class)
                    .newInstance(config, reason);
            Warmup.startIfRequested(k);
            return k;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("Lanes SIMD kernels failed to start", e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("Lanes SIMD kernels failed to load: " + e, e);
        }
    }
}
