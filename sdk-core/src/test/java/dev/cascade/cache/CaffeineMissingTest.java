package dev.cascade.cache;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Caffeine is an optional dependency: an application without it that asks for the in-memory store gets an error that
 * says what to add, not a {@code NoClassDefFoundError}. Runs the store's factory in a class loader that sees
 * cascade-core's classes and the JDK only.
 */
class CaffeineMissingTest {

    @Test
    void theInMemoryStoreSaysToAddCaffeine() throws Exception {
        URL core = InMemoryCacheStore.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader noCaffeine = new URLClassLoader(new URL[] {core}, ClassLoader.getPlatformClassLoader())) {
            assertThat(catchThrowable(() -> noCaffeine.loadClass("com.github.benmanes.caffeine.cache.Caffeine")))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> store = Class.forName(InMemoryCacheStore.class.getName(), true, noCaffeine);
            Method create = store.getMethod("create", int.class);
            Throwable thrown = catchThrowable(() -> create.invoke(null, 10));
            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            assertThat(thrown.getCause()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs Caffeine")
                    .hasMessageContaining("com.github.ben-manes.caffeine:caffeine");
        }
    }
}
