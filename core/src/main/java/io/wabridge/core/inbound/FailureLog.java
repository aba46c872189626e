package io.wabridge.core.inbound;

/**
 * Why a queued record failed, kept where an operator finds it when the record reaches the dead-letter
 * queue (SQS cannot attach a reason to a message). Never holds the record's body.
 */
public interface FailureLog {

    /** Records the latest failure of a queued record; must not throw (a failing log never hides the failure). */
    void record(String queueMessageId, int receiveCount, String reason);
}
