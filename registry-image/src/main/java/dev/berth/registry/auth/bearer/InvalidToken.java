package dev.berth.registry.auth.bearer;

/** A token the registry does not accept; the reason is for the log and the 401's detail, never the token. */
public final class InvalidToken extends Exception {

    public InvalidToken(String reason) {
        super(reason, null, false, false);
    }
}
