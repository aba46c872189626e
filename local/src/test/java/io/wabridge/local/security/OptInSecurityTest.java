package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.consent.ConsentEvent;
import io.wabridge.core.consent.OptInLinks;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public opt-in page ({@code /optin/{token}}), probed as the internet would: forged links are refused; the
 * double-submit check (a random field that must equal the page's {@code SameSite=Strict} cookie) refuses a missing,
 * empty or different cookie or field; a malformed {@code %}-escape in the form is a 400; only the person's own choice
 * on the page is recorded, once.
 */
@EndToEnd
class OptInSecurityTest {

    static final String TENANT = "optin-probe";

    static LocalRuntime runtime;
    static OptInLinks links;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        Wiring wiring = new Wiring(AppConfig.of(runtime.function("SignupFunction").definition().environment()));
        links = new io.wabridge.adapters.config.Components(wiring).optInLinks();
    }


    static String link(String contact) {
        return runtime.baseUrl() + "/optin/" + links.issue(new TenantId(TENANT), contact, ConsentEvent.Scope.ALL, null, Duration.ofHours(1));
    }

    /** The page's cookie value and its form's csrf field. */
    record Page(String cookie, String field) {}

    static Page open(String link) throws Exception {
        HttpResponse<String> page = Rig.send(HttpRequest.newBuilder(URI.create(link)).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        String setCookie = page.headers().firstValue("set-cookie").orElseThrow();
        Matcher field = Pattern.compile("name=csrf value=\"([0-9a-f]+)\"").matcher(page.body());
        assertThat(field.find()).isTrue();
        return new Page(setCookie.substring(0, setCookie.indexOf(';')), field.group(1));
    }

    static HttpResponse<String> post(String link, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(link)).POST(HttpRequest.BodyPublishers.ofString(form))
                .header("content-type", "application/x-www-form-urlencoded");
        if (cookie != null) {
            b.header("cookie", cookie);
        }
        return Rig.send(b);
    }

    static int consentEntries(String contact) throws Exception {
        HttpResponse<String> r = Rig.call(runtime, "GET", "/v1/contacts/" + contact + "/consent", TENANT);
        return r.statusCode() == 404 ? 0 : Rig.json(r).path("history").size();
    }

    @Test
    void theDoubleSubmitCheckRefusesAnyMissingEmptyOrDifferentValue() throws Exception {
        String contact = "6281200000001";
        String link = link(contact);
        Page page = open(link);
        String[][] forged = {
                {null, "csrf=" + page.field() + "&choice=yes"},
                {"wb_optin=", "csrf=&choice=yes"},
                {"wb_optin=", "choice=yes"},
                {"wb_optin=" + "0".repeat(32), "csrf=&choice=yes"},
                {"wb_optin=", "csrf=" + page.field() + "&choice=yes"},
                {page.cookie(), "csrf=&choice=yes"},
                {page.cookie(), "choice=yes"},
                {page.cookie(), "csrf=" + "0".repeat(32) + "&choice=yes"},
        };
        for (String[] f : forged) {
            HttpResponse<String> r = post(link, f[0], f[1]);
            assertThat(r.statusCode()).as("cookie %s, form %s", f[0], f[1]).isEqualTo(403);
        }
        assertThat(consentEntries(contact)).isZero();

        HttpResponse<String> yes = post(link, page.cookie(), "csrf=" + page.field() + "&choice=yes");
        assertThat(yes.statusCode()).as(yes.body()).isEqualTo(200);
        assertThat(yes.body()).contains("Thank you");
        assertThat(consentEntries(contact)).isEqualTo(1);
        assertThat(post(link, page.cookie(), "csrf=" + page.field() + "&choice=yes").statusCode()).isEqualTo(410);
        assertThat(consentEntries(contact)).isEqualTo(1);
    }

    @Test
    void aMalformedEscapeInTheFormIsABadRequest() throws Exception {
        String contact = "6281200000002";
        String link = link(contact);
        Page page = open(link);
        for (String form : new String[] {"csrf=" + page.field() + "&choice=%zz", "csrf=%&choice=yes", "choice=yes%E", "%=1"}) {
            HttpResponse<String> r = post(link, page.cookie(), form);
            assertThat(r.statusCode()).as(form).isEqualTo(400);
        }
        assertThat(consentEntries(contact)).isZero();
    }

    @Test
    void forgedExpiredAndMangledLinksAreRefused() throws Exception {
        String good = link("6281200000003");
        String forged = good.substring(0, good.length() - 4) + (good.endsWith("0000") ? "1111" : "0000");
        assertThat(Rig.send(HttpRequest.newBuilder(URI.create(forged)).GET()).statusCode()).isEqualTo(404);
        assertThat(post(forged, "wb_optin=x", "csrf=x&choice=yes").statusCode()).isEqualTo(404);
        for (String token : new String[] {"v1.", "v1.x.1.y", "%2e%2e", "v1." + "a".repeat(5_000)}) {
            int status = Rig.send(HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/optin/" + token)).GET()).statusCode();
            assertThat(status).as(token.length() > 20 ? token.substring(0, 20) : token).isIn(400, 404);
        }
        String expired = runtime.baseUrl() + "/optin/" + links.issue(new TenantId(TENANT), "6281200000004", ConsentEvent.Scope.ALL, null,
                Duration.ofSeconds(-1));
        assertThat(Rig.send(HttpRequest.newBuilder(URI.create(expired)).GET()).statusCode()).isEqualTo(410);
        assertThat(consentEntries("6281200000003")).isZero();
    }
}
