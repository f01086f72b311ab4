package io.mnemos.it;

import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ApplicationEvent;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository.RedisSession;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Spring Session's RedisIndexedSessionRepository, unchanged, on Mnemos: it configures
 * notify-keyspace-events itself (ConfigureNotifyKeyspaceEventsAction), stores a session, finds it by
 * id, and learns of its expiry from the {@code __keyevent@0__:expired} notification that Mnemos's
 * active expire cycle sends, turning it into a SessionExpiredEvent.
 */
class SpringSessionIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @Test
    void sessionIsStoredFoundAndExpiresWithAnEvent() throws Exception {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(server.host(), server.port()));
        factory.afterPropertiesSet();
        factory.start();
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        RedisIndexedSessionRepository repository = null;
        try {
            try (RedisConnection connection = factory.getConnection()) {
                new ConfigureNotifyKeyspaceEventsAction().configure(connection); // CONFIG SET ... Egx
                assertEquals("gxE", connection.serverCommands().getConfig("notify-keyspace-events")
                        .getProperty("notify-keyspace-events"));
            }
            RedisTemplate<String, Object> template = new RedisTemplate<>();
            template.setConnectionFactory(factory);
            template.setKeySerializer(new StringRedisSerializer());
            template.setHashKeySerializer(new StringRedisSerializer());
            template.afterPropertiesSet();

            repository = new RedisIndexedSessionRepository(template);
            repository.setDefaultMaxInactiveInterval(Duration.ofSeconds(2));
            BlockingQueue<ApplicationEvent> events = new LinkedBlockingQueue<>();
            repository.setApplicationEventPublisher(event -> events.add((ApplicationEvent) event));
            repository.afterPropertiesSet();

            container.setConnectionFactory(factory);
            container.addMessageListener(repository, List.of(new ChannelTopic(repository.getSessionDeletedChannel()),
                    new ChannelTopic(repository.getSessionExpiredChannel())));
            container.addMessageListener(repository,
                    new PatternTopic(repository.getSessionCreatedChannelPrefix() + "*"));
            container.afterPropertiesSet();
            container.start();

            RedisSession session = repository.createSession();
            session.setAttribute("user", "alice");
            repository.save(session);
            String id = session.getId();
            RedisSession found = repository.findById(id);
            assertNotNull(found);
            assertEquals("alice", found.getAttribute("user"));
            assertEquals(Duration.ofSeconds(2), found.getMaxInactiveInterval());
            assertInstanceOf(SessionCreatedEvent.class, events.poll(5, TimeUnit.SECONDS));

            // Nobody touches the session: the expires key's TTL runs out and the active expire
            // cycle deletes it, which publishes "expired" on __keyevent@0__:expired.
            ApplicationEvent ended = events.poll(8, TimeUnit.SECONDS);
            assertNotNull(ended, "no SessionExpiredEvent");
            assertInstanceOf(SessionExpiredEvent.class, ended);
            assertEquals(id, ((SessionExpiredEvent) ended).getSessionId());
            assertEquals("alice", ((SessionExpiredEvent) ended).getSession().getAttribute("user"));
            assertNull(repository.findById(id));

            RedisSession other = repository.createSession();
            repository.save(other);
            assertInstanceOf(SessionCreatedEvent.class, events.poll(5, TimeUnit.SECONDS));
            repository.deleteById(other.getId());
            ApplicationEvent deleted = events.poll(5, TimeUnit.SECONDS);
            assertInstanceOf(SessionDeletedEvent.class, deleted);
            assertEquals(other.getId(), ((SessionDeletedEvent) deleted).getSessionId());
        } finally {
            container.stop();
            container.destroy();
            if (repository != null) {
                repository.destroy();
            }
            factory.destroy();
        }
    }
}
