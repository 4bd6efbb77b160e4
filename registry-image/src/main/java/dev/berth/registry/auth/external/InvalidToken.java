package dev.berth.registry.auth.external;

/** A bearer token that is not to be trusted; the message says why, for the log and the 401's message. */
public final class InvalidToken extends Exception {

    public InvalidToken(String reason) {
        super(reason, null, false, false);
    }

    public InvalidToken(String reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), null, false, false);
    }
}
