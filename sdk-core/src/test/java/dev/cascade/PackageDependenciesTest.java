package dev.cascade;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sdk-core's package graph (issue 17, "Packages without cycles"): dependencies point one way, from the front door
 * ({@code dev.cascade}: {@code Cascade} and its builder) through integrations (telemetry, LangChain4j) and the engine
 * ({@code internal}) to the features (budget, review, watch, rules, adapter helpers, JDBC plumbing), the plug-in
 * contracts ({@code spi}), events, step configuration ({@code config}) and, at the bottom, the values everybody
 * exchanges ({@code api}). A new cycle, a dependency pointing up, a package placed in no layer, or an engine type in a
 * public signature fails the build here, with ArchUnit's list of the offending dependencies.
 *
 * <p>Checks the production classes of sdk-core only (not its tests).
 */
class PackageDependenciesTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.cascade");

    /**
     * Each package is its own slice, the root package included: {@code slices().matching("dev.cascade.(**)")} leaves
     * classes of {@code dev.cascade} itself out of every slice, and the front door is where cycles used to start.
     */
    private static final SliceAssignment EVERY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String p = javaClass.getPackageName();
            return p.equals("dev.cascade") || p.startsWith("dev.cascade.") ? SliceIdentifier.of(p)
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "every package of dev.cascade, the root package included";
        }
    };

    @Test
    void theCheckSeesTheProductionClasses() {
        assertThat(CORE.contain("dev.cascade.Cascade")).isTrue();
        assertThat(CORE.contain("dev.cascade.internal.ChainImpl")).isTrue();
        assertThat(CORE.contain("dev.cascade.api.Outcome")).isTrue();
        assertThat(CORE.contain("dev.cascade.PackageDependenciesTest")).as("tests are not checked").isFalse();
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(CORE);
    }

    @Test
    void subpackagesAreFreeOfCycles() {
        slices().matching("dev.cascade.(**)").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void dependenciesPointDown() {
        layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("dev.cascade..")
                .layer("Front door").definedBy("dev.cascade")
                .layer("Integrations").definedBy("dev.cascade.telemetry..", "dev.cascade.langchain4j..")
                .layer("Engine").definedBy("dev.cascade.internal..")
                .layer("Features").definedBy("dev.cascade.budget..", "dev.cascade.review..", "dev.cascade.watch..",
                        "dev.cascade.rules..", "dev.cascade.adapter..", "dev.cascade.jdbc..", "dev.cascade.testing..",
                        "dev.cascade.cache..", "dev.cascade.shadow..")
                .layer("SPI").definedBy("dev.cascade.spi..")
                .layer("Events").definedBy("dev.cascade.event..")
                .layer("Config").definedBy("dev.cascade.config..")
                .layer("API").definedBy("dev.cascade.api..")
                .whereLayer("Front door").mayNotBeAccessedByAnyLayer()
                .whereLayer("Integrations").mayOnlyBeAccessedByLayers("Front door")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Front door")
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Front door", "Integrations", "Engine")
                .whereLayer("SPI").mayOnlyBeAccessedByLayers("Front door", "Integrations", "Engine", "Features")
                .whereLayer("Events").mayOnlyBeAccessedByLayers("Front door", "Integrations", "Engine", "Features",
                        "SPI")
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Front door", "Integrations", "Engine", "Features",
                        "Events")
                .ensureAllClassesAreContainedInArchitecture()
                .check(CORE);
    }

    /** The values at the bottom depend on no other Cascade package. */
    @Test
    void apiDependsOnNothingElseOfCascade() {
        classes().that().resideInAPackage("dev.cascade.api..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.cascade..")
                        .or(resideInAPackage("dev.cascade.api..")))
                .check(CORE);
    }

    /** The plug-in contracts use the values and the events (a listener receives them), nothing else of Cascade. */
    @Test
    void spiDependsOnlyOnApiAndEvents() {
        classes().that().resideInAPackage("dev.cascade.spi..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.cascade..")
                        .or(resideInAnyPackage("dev.cascade.spi..", "dev.cascade.api..", "dev.cascade.event..")))
                .check(CORE);
    }

    /** Only the front door reaches into the engine. */
    @Test
    void onlyTheFrontDoorUsesTheEngine() {
        noClasses().that().resideOutsideOfPackages("dev.cascade", "dev.cascade.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.cascade.internal..")
                .check(CORE);
    }

    /** No public or protected signature outside the engine mentions an engine type. */
    @Test
    void noEngineTypeLeaks() {
        members().that().areDeclaredInClassesThat().resideOutsideOfPackage("dev.cascade.internal..")
                .and().areDeclaredInClassesThat().arePublic()
                .should(new ArchCondition<JavaMember>("not mention a type of dev.cascade.internal when visible") {
                    @Override
                    public void check(JavaMember member, ConditionEvents events) {
                        if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                                && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                            return;
                        }
                        Set<JavaClass> mentioned = new LinkedHashSet<>();
                        if (member instanceof JavaField f) {
                            mentioned.addAll(f.getType().getAllInvolvedRawTypes());
                        } else if (member instanceof JavaCodeUnit c) {
                            mentioned.addAll(c.getReturnType().getAllInvolvedRawTypes());
                            c.getParameterTypes().forEach(t -> mentioned.addAll(t.getAllInvolvedRawTypes()));
                            mentioned.addAll(c.getExceptionTypes());
                        }
                        for (JavaClass t : mentioned) {
                            if (t.getPackageName().startsWith("dev.cascade.internal")) {
                                events.add(SimpleConditionEvent.violated(member, member.getFullName() + " mentions "
                                        + t.getName() + " (engine types must not appear in a public signature)"));
                            }
                        }
                    }
                })
                .check(CORE);
    }

    /** Public types outside the engine neither extend nor implement an engine type. */
    @Test
    void noPublicTypeExtendsTheEngine() {
        classes().that().resideOutsideOfPackage("dev.cascade.internal..").and().arePublic()
                .should(new ArchCondition<JavaClass>("not extend or implement a type of dev.cascade.internal") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        c.getAllRawSuperclasses().stream().filter(s -> s.getPackageName().startsWith(
                                "dev.cascade.internal")).forEach(s -> events.add(SimpleConditionEvent.violated(c,
                                c.getName() + " extends " + s.getName())));
                        c.getAllRawInterfaces().stream().filter(s -> s.getPackageName().startsWith(
                                "dev.cascade.internal")).forEach(s -> events.add(SimpleConditionEvent.violated(c,
                                c.getName() + " implements " + s.getName())));
                    }
                })
                .check(CORE);
    }
}
