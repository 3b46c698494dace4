package dev.lanes.nn;

import java.util.Map;
import java.util.function.Function;

/**
 * The registry of layer kinds: reads a {@link LayerSpec} back from the kind name and
 * configuration a model file stores ({@link LayerSpec#kind()}, {@link LayerSpec#config()}).
 * Registering a new kind is one line in {@link #parse}.
 */
public final class LayerSpecs {

    private LayerSpecs() {
    }

    /**
     * The spec of kind {@code kind} with configuration {@code config}.
     *
     * @throws IllegalArgumentException naming the kind or the setting that is unknown or malformed
     */
    public static LayerSpec parse(String kind, Map<String, String> config) {
        return switch (kind) {
            case DenseSpec.KIND -> new DenseSpec(
                    integer(config, kind, "units"), activation(get(config, kind, "activation")));
            case DropoutSpec.KIND -> new DropoutSpec(real(config, kind, "rate"));
            default -> throw new IllegalArgumentException("unknown layer kind '" + kind + "'");
        };
    }

    private static Activation activation(String name) {
        Activation a = Activation.fromFileName(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown activation '" + name + "'");
        }
        return a;
    }

    private static String get(Map<String, String> config, String kind, String key) {
        String v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the " + kind + " layer lacks its setting '" + key + "'");
        }
        return v;
    }

    private static int integer(Map<String, String> config, String kind, String key) {
        return parse(config, kind, key, Integer::parseInt);
    }

    private static double real(Map<String, String> config, String kind, String key) {
        return parse(config, kind, key, Double::parseDouble);
    }

    private static <T> T parse(Map<String, String> config, String kind, String key, Function<String, T> f) {
        String v = get(config, kind, key);
        try {
            return f.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the " + kind + " layer's setting " + key + "='" + v
                    + "' is not a number");
        }
    }
}
