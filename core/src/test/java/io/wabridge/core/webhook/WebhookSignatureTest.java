package io.wabridge.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private final WebhookSignature signature = WebhookSignature.withSecret("app-secret");
    private final byte[] body = "{\"object\":\"whatsapp_business_account\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheKnownVectorOfHmacSha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        WebhookSignature jefe = WebhookSignature.withSecret("Jefe");
        String header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertThat(jefe.isValid(header, "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(jefe.sign("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))).isEqualTo(header);
    }

    @Test
    void acceptsItsOwnSignatureAndUpperCaseHex() {
        String header = signature.sign(body);
        assertThat(signature.isValid(header, body)).isTrue();
        assertThat(signature.isValid("sha256=" + header.substring(7).toUpperCase(), body)).isTrue();
    }

    @Test
    void rejectsTamperedBodyWrongSecretAndMalformedHeaders() {
        String header = signature.sign(body);
        byte[] tampered = body.clone();
        tampered[3] ^= 1;
        assertThat(signature.isValid(header, tampered)).isFalse();
        assertThat(WebhookSignature.withSecret("other").isValid(header, body)).isFalse();
        assertThat(signature.isValid(null, body)).isFalse();
        assertThat(signature.isValid("", body)).isFalse();
        assertThat(signature.isValid("sha1=" + header.substring(7), body)).isFalse();
        assertThat(signature.isValid("sha256=zz", body)).isFalse();
        assertThat(signature.isValid("sha256=" + header.substring(7, 20), body)).isFalse();
    }

    @Test
    void neverShowsTheSecretAndRefusesAnEmptyOne() {
        assertThat(signature.toString()).doesNotContain("app-secret");
        assertThatThrownBy(() -> WebhookSignature.withSecret("")).isInstanceOf(IllegalArgumentException.class);
    }
}
