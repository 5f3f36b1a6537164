package dev.libraryevents.notification.channel;

import software.amazon.awssdk.services.sesv2.SesV2Client;

/** Email through SES from a verified sender address. */
public final class SesEmailSender implements EmailSender {

    private final SesV2Client ses;
    private final String from;

    public SesEmailSender(SesV2Client ses, String from) {
        this.ses = ses;
        this.from = from;
    }

    @Override
    public void send(String to, String subject, String body) {
        ses.sendEmail(r -> r.fromEmailAddress(from)
                .destination(d -> d.toAddresses(to))
                .content(c -> c.simple(m -> m.subject(s -> s.data(subject)).body(b -> b.text(t -> t.data(body))))));
    }
}
