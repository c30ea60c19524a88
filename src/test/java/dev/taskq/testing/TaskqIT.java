package dev.taskq.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test against the packaged WAR on embedded Payara, with a real Redis and GreenMail.
 * The order matters: the test servers start before Arquillian boots Payara.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestServersExtension.class)
@ExtendWith(ArquillianExtension.class)
public @interface TaskqIT {
}
