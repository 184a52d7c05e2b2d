package dev.tandem.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library jar does not carry the echo application: naming it without tandem-cli is a configuration error. */
class FixEndpointsTest
{
    @Test
    void shouldNameTheMissingEchoApplicationWhenTheCommandLineIsNotOnTheClasspath()
    {
        assertFalse(FixEndpoints.onClasspath(FixEndpoints.ECHO_CLASS), "the echo application ships with tandem-cli");
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> FixEndpoints.application(NodeConfig.ECHO));
        assertTrue(ex.detail().startsWith("application: echo ") && ex.getMessage().contains("tandem-cli"),
            ex.getMessage());
    }

    @Test
    void shouldCreateTheApplicationNamedByClass()
    {
        assertInstanceOf(IgnoringApplication.class, FixEndpoints.application(IgnoringApplication.class.getName()));
    }
}
