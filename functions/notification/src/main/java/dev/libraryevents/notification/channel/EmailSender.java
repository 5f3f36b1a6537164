package dev.libraryevents.notification.channel;

/** Sends one plain-text email. The inbox is always written; email is an extra channel when configured. */
public interface EmailSender {

    void send(String to, String subject, String body);
}
