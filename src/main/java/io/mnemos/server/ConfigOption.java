package io.mnemos.server;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One config parameter as Redis names it: how to parse a value, how to render the current value
 * for CONFIG GET, and whether CONFIG SET may change it at runtime.
 */
public final class ConfigOption {
    /** Parses and applies a textual value. */
    @FunctionalInterface
    /** Applies a parsed value; may refuse it (CONFIG SET port when the port cannot be bound). */
    public interface CheckedSetter<T> {
        void accept(T value) throws ConfigException;
    }

    public interface Setter {
        void set(String value) throws ConfigException;
    }

    private final String name;
    private final boolean mutable;
    private final Supplier<String> getter;
    private final Setter setter;
    /** Redis's PROTECTED_CONFIG: not settable at runtime while enable-protected-configs is no (the default). */
    private boolean protectedConfig;

    private ConfigOption(String name, boolean mutable, Supplier<String> getter, Setter setter) {
        this.name = name;
        this.mutable = mutable;
        this.getter = getter;
        this.setter = setter;
    }

    public String name() {
        return name;
    }

    public boolean mutable() {
        return mutable;
    }

    /**
     * For an option a config file may repeat (save): the lines CONFIG REWRITE writes for it, always,
     * even at the default value, as Redis's rewriteConfigSaveOption.
     */
    public ConfigOption rewrittenAsLines(Supplier<java.util.List<String>> lines) {
        this.rewriteLines = lines;
        return this;
    }

    /** The lines of {@link #rewrittenAsLines}, or null for a one-line option. */
    public java.util.List<String> rewriteLines() {
        return rewriteLines == null ? null : rewriteLines.get();
    }

    private Supplier<java.util.List<String>> rewriteLines;

    /** Marks the option protected, as Redis does for dir and dbfilename. */
    public ConfigOption protectedConfig() {
        this.protectedConfig = true;
        return this;
    }

    public boolean isProtected() {
        return protectedConfig;
    }

    public String get() {
        return getter.get();
    }

    /** A byte count (see {@link #memory}): CONFIG REWRITE writes it with a unit. */
    private boolean memoryValue;

    /**
     * The value as CONFIG REWRITE writes it: a byte count in the largest unit that divides it
     * (rewriteConfigFormatMemory: 20mb, 1gb, 3000), anything else as CONFIG GET shows it.
     */
    public String rewriteValue() {
        String value = get();
        if (!memoryValue) {
            return value;
        }
        long bytes = Long.parseLong(value);
        String[] units = {"gb", "mb", "kb"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % sizes[i] == 0) {
                return bytes / sizes[i] + units[i];
            }
        }
        return value;
    }

    public void set(String value) throws ConfigException {
        setter.set(value);
    }

    public static ConfigOption of(String name, boolean mutable, Supplier<String> getter, Setter setter) {
        return new ConfigOption(name, mutable, getter, setter);
    }

    public static ConfigOption string(String name, boolean mutable, Supplier<String> getter,
            CheckedSetter<String> setter) {
        return new ConfigOption(name, mutable, getter, setter::accept);
    }

    public static ConfigOption integer(String name, boolean mutable, long min, long max,
                                       Supplier<Long> getter, CheckedSetter<Long> setter) {
        return new ConfigOption(name, mutable, () -> Long.toString(getter.get()), v -> {
            // Redis's string2ll: no spaces, no '+', no leading zeros.
            Long strict = io.mnemos.command.Args.parseLongOrNull(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (strict == null) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
            long parsed = strict;
            if (parsed < min || parsed > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            setter.accept(parsed);
        });
    }

    /**
     * A byte count that accepts Redis's units (1k, 1kb, 100mb, 2gb, ...), range-checked as a signed
     * number ({@code long long}, {@code off_t}) or a {@code size_t} up to LONG_MAX, which check alike.
     */
    public static ConfigOption memory(String name, boolean mutable, long min, long max,
                                      Supplier<Long> getter, Consumer<Long> setter) {
        ConfigOption option = new ConfigOption(name, mutable, () -> Long.toString(getter.get()), v -> {
            Long parsed = memtoull(v);
            if (parsed == null) {
                throw new ConfigException("argument must be a memory value");
            }
            if (parsed < min || parsed > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            setter.accept(parsed);
        });
        option.memoryValue = true;
        return option;
    }

    /**
     * An {@code unsigned long long} byte count over its whole range (maxmemory): any memtoull result
     * is accepted, and the value, held in a long's 64 bits, is shown unsigned.
     */
    public static ConfigOption unsignedMemory(String name, boolean mutable, Supplier<Long> getter,
                                              Consumer<Long> setter) {
        ConfigOption option = new ConfigOption(name, mutable, () -> Long.toUnsignedString(getter.get()), v -> {
            Long parsed = memtoull(v);
            if (parsed == null) {
                throw new ConfigException("argument must be a memory value");
            }
            setter.accept(parsed);
        });
        option.memoryValue = true;
        return option;
    }

    public static ConfigOption bool(String name, boolean mutable, Supplier<Boolean> getter, Consumer<Boolean> setter) {
        return new ConfigOption(name, mutable, () -> getter.get() ? "yes" : "no", v -> {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "yes" -> setter.accept(true);
                case "no" -> setter.accept(false);
                default -> throw new ConfigException("argument must be 'yes' or 'no'");
            }
        });
    }

    public static ConfigOption choice(String name, boolean mutable, String[] choices,
                                      Supplier<String> getter, Consumer<String> setter) {
        return new ConfigOption(name, mutable, getter, v -> {
            for (String c : choices) {
                if (c.equalsIgnoreCase(v)) {
                    setter.accept(c);
                    return;
                }
            }
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
        });
    }

    /**
     * Redis's memtoull: digits with an optional unit b, k, kb, m, mb, g, gb, as the unsigned 64-bit
     * number it yields in a long's bits, or null if malformed. As in Redis, digits beyond an unsigned
     * long long saturate (strtoull) and the unit's multiplication wraps around.
     */
    public static Long memtoull(String text) {
        // No trimming: memtoull reads digits from the first byte, so " 1" and "1 " are malformed.
        String s = text.toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String digits = s;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
                {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] unit : units) {
            if (s.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                digits = s.substring(0, s.length() - unit[0].length());
                break;
            }
        }
        if (digits.isEmpty()) {
            // strtoull of nothing is 0, an empty value included; a unit alone is not a number.
            return s.isEmpty() ? 0L : null;
        }
        if (digits.length() >= 128) {
            return null; // memtoull copies the digits into a 128-byte buffer first
        }
        long value = 0;
        boolean saturated = false;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (!saturated) {
                // value * 10 + d overflows an unsigned long long exactly when this comparison holds.
                if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    saturated = true;
                    value = -1L;
                } else {
                    value = value * 10 + d;
                }
            }
        }
        return value * multiplier;
    }

    /**
     * {@link #memtoull} for values that must fit a signed long (the output buffer limits): -1 if
     * malformed or beyond a long.
     */
    public static long parseMemory(String text) {
        Long v = memtoull(text);
        return v == null || v < 0 ? -1 : v;
    }
}
