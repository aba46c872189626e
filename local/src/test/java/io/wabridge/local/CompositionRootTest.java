package io.wabridge.local;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.wabridge.adapters.config.Components;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One composition root: functions get their adapters and use cases from {@link Components}, never build them. */
class CompositionRootTest {

    private final JavaClasses functions = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.wabridge.functions");

    /** The Lambda toolkit ({@code adapters.lambda}: responses, the tenant gate, a batch's state) is not an adapter of a port. */
    @Test
    void noFunctionClassConstructsAnAdapter() {
        noClasses().that().resideInAPackage("io.wabridge.functions..")
                .should().callConstructorWhere(target(owner(resideInAnyPackage("io.wabridge.adapters.aws..", "io.wabridge.adapters.meta..",
                        "io.wabridge.adapters.http..", "io.wabridge.adapters.metrics..", "io.wabridge.adapters.config..",
                        "io.wabridge.adapters.logging.."))))
                .because("Components builds every adapter once; a handler asks for what it uses")
                .check(functions);
    }

    @Test
    void everyHandlerIsBuiltFromComponentsOrForLambda() {
        var handlers = functions.stream().filter(c -> c.getSimpleName().endsWith("Handler") && c.getModifiers()
                .contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)).toList();
        assertThat(handlers).hasSizeGreaterThanOrEqualTo(10);
        for (var h : handlers) {
            Class<?> type = h.reflect();
            assertThat(Arrays.stream(type.getConstructors()).map(Constructor::getParameterTypes).map(Arrays::asList))
                    .as(h.getName() + "'s public constructors").containsExactlyInAnyOrder(java.util.List.of(),
                            java.util.List.of(Components.class));
            assertThat(Arrays.stream(type.getDeclaredConstructors()).filter(c -> Modifier.isPrivate(c.getModifiers())))
                    .as(h.getName() + " has no private constructor chain building an object graph").isEmpty();
        }
    }
}
