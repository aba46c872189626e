package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The environment seam: the local runtime unless {@code -Dwabridge.target=aws} says otherwise, and then a stack named
 * by its settings, or a failure naming each one that is missing. The scenario below is written against {@link Target}
 * only, so it runs unchanged against a deployed stack.
 */
@EndToEnd(localOnly = false)
class TargetTest {

    static UnaryOperator<String> settings(Map<String, String> values) {
        return values::get;
    }

    @Test
    void theLocalRuntimeIsTheDefaultAndAnUnknownTargetIsRefused() {
        assertThat(Target.selected(settings(Map.of()))).isEqualTo("local");
        assertThat(Target.selected(settings(Map.of(Target.TARGET, " ")))).isEqualTo("local");
        assertThat(Target.selected(settings(Map.of(Target.TARGET, "aws")))).isEqualTo("aws");
        assertThatThrownBy(() -> Target.selected(settings(Map.of(Target.TARGET, "staging"))))
                .hasMessage("wabridge.target=staging is not a target: use local (the default) or aws");
    }

    @Test
    void theAwsTargetWithoutItsSettingsFailsNamingEachOne() {
        assertThatThrownBy(() -> Target.aws(settings(Map.of(Target.TARGET, "aws"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wabridge.target=aws needs")
                .hasMessageContaining("-Dwabridge.aws.apiUrl=<the stack's ApiUrl output> (or WABRIDGE_AWS_APIURL)")
                .hasMessageContaining("-Dwabridge.aws.tokens=").hasMessageContaining("-Dwabridge.aws.tokenCommand=");
        assertThatThrownBy(() -> Target.aws(settings(Map.of(Target.AWS_API_URL, "ftp://example.com", Target.AWS_TOKENS, "acme=x.y.z"))))
                .hasMessageContaining("must be an http(s) URL");
    }

    @Test
    void theAwsTargetUsesTheStacksUrlAndTheTokensItIsGiven() {
        Target.Aws aws = Target.aws(settings(Map.of(Target.AWS_API_URL, "https://abc123.execute-api.eu-west-1.amazonaws.com/",
                Target.AWS_TOKENS, "acme=aaa.bbb.ccc, globex=ddd.eee.fff", Target.AWS_META_APP_SECRET, "s3cret")));
        assertThat(aws.baseUrl()).isEqualTo(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com"));
        assertThat(aws.bearer("globex")).isEqualTo("Bearer ddd.eee.fff");
        assertThat(aws.runtime()).isEmpty();
        assertThat(aws.metaAppSecret()).isEqualTo("s3cret");
        assertThatThrownBy(() -> aws.bearer("initech")).hasMessageContaining("no token for tenant initech");

        Target.Aws minting = Target.aws(settings(Map.of(Target.AWS_API_URL, "https://abc123.execute-api.eu-west-1.amazonaws.com",
                Target.AWS_TOKEN_COMMAND, "echo minted-for-{tenant}")));
        assertThat(minting.bearer("acme")).isEqualTo("Bearer minted-for-acme");
        assertThatThrownBy(minting::metaAppSecret).hasMessageContaining("-Dwabridge.aws.metaAppSecret=");
    }

    @Test
    void aTenantsTokenIsAcceptedAndAMissingOrForgedCallIsRefused(Target target) throws Exception {
        var whoami = target.call("GET", "/v1/whoami", "target-probe", null);
        assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
        assertThat(whoami.body()).contains("\"tenantId\":\"target-probe\"");
        assertThat(target.call("GET", "/v1/whoami", null, null).statusCode()).isEqualTo(401);

        // Meta's side, as far as a stack lets it be played: a signed delivery with nothing in it is taken, a forged one is not.
        byte[] empty = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(target.deliverWebhook(empty).statusCode()).isEqualTo(200);
        var forged = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(target.baseUrl() + "/webhook"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(empty)).header("content-type", "application/json")
                .header("x-hub-signature-256", "sha256=" + "0".repeat(64)));
        assertThat(forged.statusCode()).isEqualTo(401);
    }
}
