package dev.portcullis.shared;

/**
 * One message on the {@link FleetBus}: its topic, the instance that sent it, and its body.
 *
 * @param topic    the topic it came on ({@code events}, {@code sessions}, {@code detect})
 * @param sender   the sending instance's id ({@link FleetBus#instanceId()})
 * @param body     what the sender published
 * @param fromSelf whether this instance sent it (pub/sub echoes a publisher's own messages)
 */
public record FleetMessage(String topic, String sender, byte[] body, boolean fromSelf) {
}
