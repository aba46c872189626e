package io.wabridge.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core stays plain Java: no AWS SDK, Lambda, Jackson or HTTP client types. */
class CoreArchitectureTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.wabridge.core");

    @Test
    void coreHasNoInfrastructureImports() {
        noClasses().that().resideInAPackage("io.wabridge.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon..", "com.amazonaws..", "com.fasterxml..",
                        "java.net.http..", "com.sun.net.httpserver..", "org.slf4j..")
                .because("domain rules must not depend on infrastructure (style guide §2.2)")
                .check(core);
    }

    @Test
    void theRuleSeesTheCore() {
        // guards against the rule passing vacuously if the package were renamed
        org.assertj.core.api.Assertions.assertThat(core.size()).isGreaterThan(5);
    }
}
