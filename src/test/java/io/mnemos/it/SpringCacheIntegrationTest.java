package io.mnemos.it;

import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Spring application using Mnemos as its cache through Spring Data Redis's RedisCacheManager. */
class SpringCacheIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    /** A slow service whose results are cached; counts how often it really runs. */
    public static class PriceService {
        final AtomicInteger computations = new AtomicInteger();

        public int computations() {
            return computations.get();
        }

        @Cacheable("prices")
        public String price(String item) {
            computations.incrementAndGet();
            return item + ":" + item.length() * 10;
        }

        @CacheEvict("prices")
        public void evict(String item) {
        }

        @CacheEvict(value = "prices", allEntries = true)
        public void clear() {
        }
    }

    @Configuration
    @EnableCaching
    static class AppConfig {
        @Bean(destroyMethod = "destroy")
        LettuceConnectionFactory connectionFactory() {
            LettuceConnectionFactory factory =
                    new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
            factory.afterPropertiesSet();
            return factory;
        }

        @Bean
        CacheManager cacheManager(LettuceConnectionFactory factory) {
            return RedisCacheManager.builder(factory)
                    .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(Duration.ofMillis(1500)))
                    .build();
        }

        @Bean
        StringRedisTemplate template(LettuceConnectionFactory factory) {
            return new StringRedisTemplate(factory);
        }

        @Bean
        PriceService priceService() {
            return new PriceService();
        }
    }

    /** Spring Data Redis 4 may write cache puts and clears asynchronously: wait until the key is (not) there. */
    private static void awaitKey(StringRedisTemplate template, String key, boolean present) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (template.hasKey(key) != present && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void cacheableHitsMissesExpiresAndEvicts() throws InterruptedException {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(AppConfig.class)) {
            PriceService service = context.getBean(PriceService.class);
            StringRedisTemplate template = context.getBean(StringRedisTemplate.class);

            assertEquals("apple:50", service.price("apple"));
            awaitKey(template, "prices::apple", true);
            assertEquals("apple:50", service.price("apple"));
            assertEquals(1, service.computations(), "second call is a cache hit");
            assertTrue(template.hasKey("prices::apple"));
            Long ttl = template.getExpire("prices::apple", java.util.concurrent.TimeUnit.MILLISECONDS);
            assertNotNull(ttl);
            assertTrue(ttl > 0 && ttl <= 1500, "entry carries the configured TTL, got " + ttl);

            Thread.sleep(1800);
            assertFalse(template.hasKey("prices::apple"), "entry expired");
            assertEquals("apple:50", service.price("apple"));
            assertEquals(2, service.computations(), "after expiry the value is recomputed");
            awaitKey(template, "prices::apple", true);

            service.evict("apple");
            awaitKey(template, "prices::apple", false);
            assertFalse(template.hasKey("prices::apple"));
            service.price("apple");
            service.price("pear");
            assertEquals(4, service.computations());
            awaitKey(template, "prices::apple", true);
            awaitKey(template, "prices::pear", true);

            service.clear();
            awaitKey(template, "prices::pear", false);
            assertNull(template.opsForValue().get("prices::pear"));
            assertFalse(template.hasKey("prices::apple"));
            service.price("pear");
            assertEquals(5, service.computations(), "cache clear forces recomputation");
        }
    }
}
