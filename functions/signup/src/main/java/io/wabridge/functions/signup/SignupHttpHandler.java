package io.wabridge.functions.signup;

import com.amazonaws.services.lambda.runtime.Context;
import io.wabridge.adapters.lambda.Invocation;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Components;
import io.wabridge.adapters.lambda.HttpRouter;
import io.wabridge.adapters.lambda.TenantGate;

/**
 * Embedded Signup, the channels API, the tenant's settings and offboarding, and the public opt-in page. JWT
 * routes take the tenant from the token; the hosted setup page and its completion are open routes whose
 * credential is the signed, single-use signup state, as the opt-in page's is its signed, single-use link.
 */
public final class SignupHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final HttpRouter router;

    public SignupHttpHandler() {
        this(Components.fromEnvironment());
    }

    public SignupHttpHandler(Components c) {
        this(c.tenantGate(), new SignupController(c.connectChannel(), frontEnd(c.config())), new ChannelsController(c.connectChannel(), c.channels()),
                new SettingsController(c.updateSettings()), new TenantController(c.offboardTenant()),
                new OptInPage(c.optInLinks(), c::cachedSettings, SignupController.resource("optin/page.html")));
    }

    SignupHttpHandler(TenantGate gate, SignupController signup, ChannelsController channels, SettingsController settings, TenantController tenant,
                      OptInPage optIn) {
        this.router = new HttpRouter(gate)
                .open("GET", "/v1/signup/embed.js", signup::embedJs)
                .open("GET", "/v1/signup/page", signup::page)
                .open("POST", "/v1/signup/page/complete", signup::complete)
                .open("GET", "/optin/{token}", optIn::handle)
                .open("POST", "/optin/{token}", optIn::handle)
                .jwt("POST", "/v1/signup/sessions", signup::start)
                .jwt("POST", "/v1/signup/complete", signup::complete)
                .jwt("GET", "/v1/channels", channels::list)
                .jwt("GET", "/v1/channels/{phoneNumberId}", channels::get)
                .jwt("POST", "/v1/channels/{phoneNumberId}/onboarding/resume", channels::resume)
                .jwt("DELETE", "/v1/channels/{phoneNumberId}", channels::disconnect)
                .jwt("DELETE", "/v1/tenant", tenant::offboard)
                .jwt("GET", "/v1/tenant/settings", settings::get)
                .jwt("PUT", "/v1/tenant/settings", settings::put);
    }

    private static SignupController.FrontEnd frontEnd(AppConfig config) {
        return new SignupController.FrontEnd(config.metaAppId(), config.metaConfigId(), config.graphApiVersion(), config.facebookSdkUrl(),
                config.signupMessageOrigins());
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Invocation.run(context, () -> router.route(event));
    }
}
