package io.wabridge.core.send;

import io.wabridge.core.meta.MetaApiException;
import java.util.Set;

/** Meta's send errors by what the sender does with them (the facts file's table, section 7). */
public final class SendErrors {

    public enum Action { RETRY, PAIR_RETRY, DEFER, FAIL, REAUTH, PAUSE, UNCONFIRMED }

    static final Set<Integer> TRANSIENT = Set.of(1, 2, 4, 613, 80007, 130429, 131000, 131016, 131057, 2494100, 133004);
    static final Set<Integer> REAUTH = Set.of(0, 190);

    private SendErrors() {}

    public static Action classify(MetaApiException e) {
        if (e.transport()) {
            return Action.UNCONFIRMED;
        }
        int code = e.code();
        if (code == 131056) {
            return Action.PAIR_RETRY;
        }
        if (code == 131049) {
            return Action.DEFER;
        }
        if (code == 131048) {
            return Action.PAUSE;
        }
        if (REAUTH.contains(code) && (e.httpStatus() == 401 || code == 190)) {
            return Action.REAUTH;
        }
        if (TRANSIENT.contains(code) || (code == 0 && e.httpStatus() >= 500)) {
            return Action.RETRY;
        }
        return Action.FAIL;
    }
}
