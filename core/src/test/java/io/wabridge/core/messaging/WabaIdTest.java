package io.wabridge.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A WABA id is a non-blank id that cannot break out of the table key it is part of. */
class WabaIdTest {

    @Test
    void aWabaIdIsNonBlankAndHoldsNoKeySeparator() {
        assertThat(new WabaId("102290129340398").toString()).isEqualTo("102290129340398");
        for (String bad : new String[] {null, "", " ", "1#TEMPLATE", "9".repeat(65)}) {
            assertThatThrownBy(() -> new WabaId(bad)).as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
