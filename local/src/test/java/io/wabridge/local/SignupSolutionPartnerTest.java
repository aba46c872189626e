package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Solution Partner mode: the partner's credit line is shared with each new WABA, with the WABA's currency. */
class SignupSolutionPartnerTest {

    @Test
    void sharesTheCreditLineAfterRegistration(@TempDir Path data) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, data, Path.of("../template.yaml"), null)
                .withParameters(Map.of("SignupMode", "solution_partner")))) {
            SignupEndToEndTest.runtime = runtime;
            MetaSandbox meta = runtime.sandbox();
            SandboxState.Customer c = meta.createCustomer("Partner Client", "6281100002001");
            var r = SignupEndToEndTest.call("POST", "/v1/signup/complete", "sp", SignupEndToEndTest.finish(SignupEndToEndTest.session("sp"), c,
                    meta.signupCode(c.businessId())));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(SignupEndToEndTest.json(r).path("channel").path("onboarding").toString())
                    .contains("\"name\":\"credit_line_shared\",\"status\":\"done\"");
            var share = meta.calls().stream().filter(k -> k.path().endsWith(meta.partnerCreditLineId() + "/whatsapp_credit_sharing_and_attach"))
                    .toList();
            assertThat(share).hasSize(1);
            assertThat(share.get(0).params()).containsEntry("waba_id", c.wabaId()).containsKey("waba_currency");
        } finally {
            SignupEndToEndTest.runtime = null;
        }
    }
}
