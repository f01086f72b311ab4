package io.mnemos.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * The C library's {@code sin}, {@code cos} and {@code asin}, called through the foreign function
 * API. Redis computes geo distances with libm, whose results differ from Java's (Math and
 * StrictMath alike) in the last bit now and then: enough to change a stored STOREDIST score or
 * which of two nearly equidistant members a COUNT keeps. Calling the same functions gives the
 * same bits. Where the C library cannot be reached (native access refused, no such symbol),
 * StrictMath stands in.
 */
public final class Libm {
    private static final MethodHandle SIN = lookup("sin");
    private static final MethodHandle COS = lookup("cos");
    private static final MethodHandle ASIN = lookup("asin");

    private Libm() {
    }

    /** True when the C library's functions are used (false: StrictMath's). */
    public static boolean isNative() {
        return SIN != null && COS != null && ASIN != null;
    }

    public static double sin(double x) {
        return call(SIN, StrictMath::sin, x);
    }

    public static double cos(double x) {
        return call(COS, StrictMath::cos, x);
    }

    public static double asin(double x) {
        return call(ASIN, StrictMath::asin, x);
    }

    private static double call(MethodHandle function, java.util.function.DoubleUnaryOperator fallback, double x) {
        if (function == null) {
            return fallback.applyAsDouble(x);
        }
        try {
            return (double) function.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException("libm call failed", e);
        }
    }

    /**
     * A downcall handle {@code (double) -> double} for the C function, or null. The project is
     * compiled for Java 21, where the foreign function API is still a preview, so it is reached
     * reflectively; on the Java 22+ runtimes Mnemos runs on it is final.
     */
    private static MethodHandle lookup(String name) {
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> symbolLookup = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> memoryLayout = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> memorySegment = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> descriptor = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> option = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object libraries = linkerClass.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) symbolLookup.getMethod("find", String.class).invoke(libraries, name);
            if (symbol.isEmpty()) {
                return null;
            }
            Object javaDouble = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_DOUBLE").get(null);
            Object arguments = Array.newInstance(memoryLayout, 1);
            Array.set(arguments, 0, javaDouble);
            Object signature = descriptor.getMethod("of", memoryLayout, arguments.getClass())
                    .invoke(null, javaDouble, arguments);
            // A pure function that neither blocks nor calls back: no thread state transition.
            Object options = Array.newInstance(option, 1);
            Array.set(options, 0, option.getMethod("critical", boolean.class).invoke(null, false));
            MethodHandle handle = (MethodHandle) linkerClass
                    .getMethod("downcallHandle", memorySegment, descriptor, options.getClass())
                    .invoke(linker, symbol.get(), signature, options);
            return handle.type().equals(MethodType.methodType(double.class, double.class)) ? handle : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
