package io.wabridge.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An end-to-end test class: {@link WaBridgeExtension} gives its {@code @BeforeAll} and test methods the
 * {@link Target} (and, locally, the {@link LocalRuntime}) as parameters. Locally, classes share one runtime started
 * once per test run; each keeps to its own tenants, numbers and contacts, so that none sees another's data.
 */
@java.lang.annotation.Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(WaBridgeExtension.class)
public @interface EndToEnd {

    /** The scenarios need the local parts (the Meta sandbox, the local tables and queues): skipped against a deployed stack. */
    boolean localOnly() default true;

    /**
     * A runtime of this class's own, started before its first test and stopped after its last: for a class that changes
     * what the whole runtime does (e.g. the sandbox's webhook retries) or checks something of the whole runtime
     * (its logs, its sockets).
     */
    boolean ownRuntime() default false;

    /** Template parameters ({@code Name=Value}) of a runtime of the class's own (implies {@link #ownRuntime()}). */
    String[] parameters() default {};

    /** The template of a runtime of the class's own (another template implies {@link #ownRuntime()}). */
    String template() default WaBridgeExtension.TEMPLATE;
}
