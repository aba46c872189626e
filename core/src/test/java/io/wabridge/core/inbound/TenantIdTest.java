package io.wabridge.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"acme", "toko-maju", "globex", "org:42.team_a-b", "A", "t123456789012345678901234567890123456789012345678901234567890123"})
    void namesATenant(String value) {
        assertThat(new TenantId(value).value()).isEqualTo(value);
    }

    /** What API Gateway hands a function for claims that are not strings, and other values that must not name a tenant. */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "NULL", "true", "false", "42", "-1", "1.5", "[acme]", "[]", "{}", "{\"id\":\"acme\"}",
            "acme\u0000", "acme\n", "acme\u001b", "acme corp", "acme#CHANNEL", "acmé", "-acme", ".acme",
            "t1234567890123456789012345678901234567890123456789012345678901234"})
    void refusesValuesThatAreNotTenantIds(String value) {
        assertThat(TenantId.isValid(value)).isFalse();
        assertThatThrownBy(() -> new TenantId(value)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-64");
    }

    @Test
    void refusesNull() {
        assertThat(TenantId.isValid(null)).isFalse();
    }
}
