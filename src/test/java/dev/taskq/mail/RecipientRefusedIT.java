package dev.taskq.mail;

import static dev.taskq.testing.Submissions.status;
import static dev.taskq.testing.Submissions.submit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.RedisProbe;
import dev.taskq.testing.TestServers;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A recipient the mail server refuses for good: the task is dead at once, with the server's reply kept for
 * operators, and no retry. For the length of the test a {@link ScriptedSmtpServer} takes GreenMail's port (the one
 * the application's mail session points at) and answers {@code 550} for one recipient.
 */
class RecipientRefusedIT extends DeployedAppBase {

    @Test
    void aRecipientAnsweredWith550IsDeadAtOnceWithTheReplyKept() throws Exception {
        String gone = "gone-" + UUID.randomUUID() + "@example.com";
        String here = "here-" + UUID.randomUUID() + "@example.com";
        GreenMail greenMail = TestServers.get().greenMail();
        int port = greenMail.getSmtp().getPort();
        Http http = http();
        greenMail.stop();
        // The port was GreenMail's a moment ago: bind it as soon as the system lets go of it.
        ScriptedSmtpServer scripted = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> new ScriptedSmtpServer(port), java.util.Objects::nonNull);
        try (ScriptedSmtpServer server = scripted
                .rcptReply(to -> to.equals(gone) ? "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown"
                        : "250 2.1.5 ok")
                .start()) {
            URI refused = submit(http, gone);
            URI accepted = submit(http, here);

            await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(status(http, refused).getString("status")));
            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(status(http, accepted).getString("status")));
            JsonObject dead = status(http, refused);
            String id = refused.getPath().substring(refused.getPath().lastIndexOf('/') + 1);
            String letter;
            try (RedisProbe redis = new RedisProbe()) {
                letter = redis.jedis().hget(RedisProbe.PREFIX + "dead", id);
            }
            long rcptsForGone = server.commands().stream().filter(c -> c.contains(gone)).count();
            assertAll(
                    () -> assertEquals(1, dead.getInt("attempts"), "no retry: " + dead),
                    () -> assertEquals("the address was refused", dead.getString("reason"), "said plainly: " + dead),
                    () -> assertTrue(!dead.toString().contains("550"), "no server reply in public: " + dead),
                    () -> assertTrue(letter != null && letter.contains("550 5.1.1"), "the reply is kept: " + letter),
                    () -> assertEquals(1, rcptsForGone, "asked once: " + server.commands()),
                    () -> assertEquals(1, server.received().size(), "only the other mail went out"),
                    () -> assertEquals(here, server.received().get(0).recipient()));
        } finally {
            TestServers.get().startGreenMailAgain();
        }
    }

}
