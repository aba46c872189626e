package io.wabridge.adapters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

    @Test
    void aMissingVariableNamesItself() {
        assertThatThrownBy(() -> AppConfig.of(Map.of()).tableName())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TABLE_NAME");
    }

    @Test
    void recordsTheNamesItWasAskedForWhetherSetOrNot() {
        AppConfig config = AppConfig.of(Map.of("TABLE_NAME", "t"));
        config.tableName();
        assertThatThrownBy(config::tokenKeyArn).isInstanceOf(IllegalStateException.class);
        config.endpoint("SQS");
        assertThat(config.requiredVariables()).containsExactlyInAnyOrder("TABLE_NAME", "TOKEN_KEY_ARN");
    }

    @Test
    void endpointOverridesUseTheSdkVariableNames() {
        AppConfig config = AppConfig.of(Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
        assertThat(config.endpoint("SQS")).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(config.endpoint("DYNAMODB")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(AppConfig.of(Map.of()).endpoint("SQS")).isEmpty();
    }

    @Test
    void toStringShowsNamesNotValues() {
        assertThat(AppConfig.of(Map.of("AWS_SECRET_ACCESS_KEY", "hush")).toString()).doesNotContain("hush");
    }
}
