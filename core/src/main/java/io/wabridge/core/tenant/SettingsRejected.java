package io.wabridge.core.tenant;

/** A settings change refused: the field at fault and why. */
public final class SettingsRejected extends RuntimeException {

    private final String field;

    public SettingsRejected(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
