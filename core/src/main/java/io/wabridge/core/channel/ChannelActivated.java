package io.wabridge.core.channel;

/** Told when a channel becomes active (first connection or re-authorisation): e.g. to release held sends. */
public interface ChannelActivated {
    void activated(Channel channel);
}
