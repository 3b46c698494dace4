package dev.lanes.cli;

import dev.lanes.io.Models;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.optim.LearningRateSchedule;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The typed choices every command shares: one converter and one list of names per kind, so
 * activations, losses, optimizers, learning-rate schedules, preprocessing, progress display and
 * output formats are spelled, matched (case-insensitively, '-' and '_' alike) and listed in
 * {@code --help} the same way everywhere.
 */
final class Choices {

    private Choices() {
    }

    /** The optimizers {@code train} offers. */
    enum OptimizerName {
        SGD, MOMENTUM, ADAM, ADAMW;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How {@code predict} writes its results. */
    enum Format {
        CSV, JSON
    }

    /** The input preprocessing of {@code train}; {@code AUTO} is resolved from the data's format. */
    enum Preprocess {
        AUTO, STANDARDIZE, MIN_MAX, NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How {@code train} shows its progress. */
    enum Progress {
        AUTO, BAR, LOG;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static String key(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E parse(String value, E[] all, Function<E, String> label, String what) {
        String k = key(value);
        for (E e : all) {
            if (label.apply(e).equals(k)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : all) {
            names.add(label.apply(e));
        }
        throw new TypeConversionException("expected " + what + " " + String.join(", ", names)
                + " but got '" + value + "'");
    }

    private static <E extends Enum<E>> Iterator<String> names(E[] all, Function<E, String> label) {
        List<String> names = new ArrayList<>();
        for (E e : all) {
            names.add(label.apply(e));
        }
        return names.iterator();
    }

    static String label(OptimizerName o) {
        return o.label();
    }

    static String label(Format f) {
        return f.name().toLowerCase(Locale.ROOT);
    }

    static final class ActivationConverter implements ITypeConverter<Activation> {
        @Override
        public Activation convert(String value) {
            return parse(value, Activation.values(), Models::name, "one of");
        }
    }

    static final class Activations implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(Activation.values(), Models::name);
        }
    }

    static final class LossConverter implements ITypeConverter<Loss> {
        @Override
        public Loss convert(String value) {
            return parse(value, Loss.values(), Models::name, "one of");
        }
    }

    static final class Losses implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(Loss.values(), Models::name);
        }
    }

    static final class OptimizerConverter implements ITypeConverter<OptimizerName> {
        @Override
        public OptimizerName convert(String value) {
            return parse(value, OptimizerName.values(), OptimizerName::label, "one of");
        }
    }

    static final class Optimizers implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(OptimizerName.values(), OptimizerName::label);
        }
    }

    static final class ScheduleConverter implements ITypeConverter<LearningRateSchedule> {
        @Override
        public LearningRateSchedule convert(String value) {
            return parse(value, LearningRateSchedule.values(), LearningRateSchedule::label, "one of");
        }
    }

    static final class Schedules implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(LearningRateSchedule.values(), LearningRateSchedule::label);
        }
    }

    static final class PreprocessConverter implements ITypeConverter<Preprocess> {
        @Override
        public Preprocess convert(String value) {
            return parse(value, Preprocess.values(), Preprocess::label, "one of");
        }
    }

    static final class Preprocessings implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(Preprocess.values(), Preprocess::label);
        }
    }

    static final class ProgressConverter implements ITypeConverter<Progress> {
        @Override
        public Progress convert(String value) {
            return parse(value, Progress.values(), Progress::label, "one of");
        }
    }

    static final class Progresses implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(Progress.values(), Progress::label);
        }
    }

    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return parse(value, Format.values(), Choices::label, "one of");
        }
    }

    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names(Format.values(), Choices::label);
        }
    }
}
