package io.wabridge.core.send;

/** Paces sends per phone number across every sender instance (Meta allows 80 messages/s, 1,000 after an upgrade). */
public interface SendPacer {

    /** Takes one send from the number's budget for the current second; false if the second's budget is spent. */
    boolean tryAcquire(String phoneNumberId, int perSecond);
}
