package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.util.List;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.Outcome;

/** The quick start against the installed cascade-core jar, as a user's build resolves it. */
class QuickStartTest {

    @Test
    void theAdvancedModelIsDownSoTheCheapModelAnswers() {
        Outcome<String> out = QuickStart.run("I was charged twice this month");

        assertEquals(QuickStart.EXPECTED_ANSWER, out.answer().orElse(null));
        assertEquals(QuickStart.EXPECTED_STEP, out.answeredBy().orElse(null));
        List<String> attempts = out.attempts().stream().map(a -> a.step() + " " + a.status()).toList();
        assertEquals(List.of("advanced FAILED", "advanced FAILED", "cheap ANSWERED"), attempts);
        assertEquals(dev.cascade.api.FailureKind.UNAVAILABLE, out.attempts().get(0).failure());
        assertEquals(Attempt.Status.ANSWERED, out.attempts().get(2).status());
    }

    @Test
    void theCoreJarNamesItsModule() throws Exception {
        File jar = new File(Cascade.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile f = new JarFile(jar)) {
            assertNotNull(f.getManifest(), jar + " has no manifest");
            assertEquals("dev.cascade.core", f.getManifest().getMainAttributes().getValue("Automatic-Module-Name"),
                    "Automatic-Module-Name of " + jar);
        }
    }
}
