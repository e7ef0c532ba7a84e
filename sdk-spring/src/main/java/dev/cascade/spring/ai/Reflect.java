package dev.cascade.spring.ai;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The few reflective reads the adapter needs to understand libraries it must not depend on: the official OpenAI and
 * Anthropic Java SDKs (under Spring AI's OpenAI and Anthropic modules), {@code spring-web}'s and
 * {@code spring-ai-retry}'s exceptions. Every read fails soft: a missing class, method or field, or a module that
 * refuses access, gives {@code null}, and the caller falls back to what it can see without it.
 */
final class Reflect {
    private Reflect() {
    }

    /** Whether {@code type} or a superclass has the given name (no class is loaded). */
    static boolean isA(Class<?> type, String className) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code type} or a superclass has a name starting with {@code prefix}. */
    static boolean isFrom(Class<?> type, String prefix) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Calls a public no-argument method; null when there is none or it fails. Unwraps an {@link Optional}. */
    static Object call(Object target, String method) {
        if (target == null) {
            return null;
        }
        try {
            Method m = publicMethod(target.getClass(), method);
            if (m == null) {
                return null;
            }
            Object v = m.invoke(target);
            return v instanceof Optional<?> o ? o.orElse(null) : v;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Calls a public one-argument method; null when there is none or it fails. */
    static Object call(Object target, String method, Class<?> parameterType, Object argument) {
        if (target == null) {
            return null;
        }
        try {
            Method m = publicMethod(target.getClass(), method, parameterType);
            return m == null ? null : m.invoke(target, argument);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * A public method, looked up on a public type in the hierarchy (a public method of a non-public class cannot be
     * invoked through that class).
     */
    static Method publicMethod(Class<?> type, String name, Class<?>... parameterTypes) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method m = publicMethodOf(c, name, parameterTypes);
            if (m != null) {
                return m;
            }
            for (Class<?> i : c.getInterfaces()) {
                m = publicMethodOf(i, name, parameterTypes);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Method publicMethodOf(Class<?> c, String name, Class<?>... parameterTypes) {
        if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
            return null;
        }
        try {
            return c.getMethod(name, parameterTypes);
        } catch (NoSuchMethodException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Reads a (private) field declared on {@code type} or a superclass; null when absent or not accessible. */
    static Object field(Object target, String name) {
        if (target == null) {
            return null;
        }
        for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Field f;
            try {
                f = c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                continue;
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
            try {
                f.setAccessible(true);
                return f.get(target);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null; // e.g. InaccessibleObjectException on the module path
            }
        }
        return null;
    }

    /** A non-negative int from a number, or -1. */
    static int intValue(Object n) {
        return n instanceof Number x ? Math.max(0, x.intValue()) : -1;
    }
}
