package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoCoordinates;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.data.geo.Circle;
import org.springframework.data.geo.Distance;
import org.springframework.data.geo.GeoResult;
import org.springframework.data.geo.GeoResults;
import org.springframework.data.geo.Metrics;
import org.springframework.data.geo.Point;
import org.springframework.data.redis.connection.RedisGeoCommands;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.GeoOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.domain.geo.GeoReference;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Geo commands round-trip through Jedis, Lettuce (RESP2 and RESP3) and Spring Data Redis's opsForGeo. */
class GeoIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @Test
    void jedisGeoCommands() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            assertEquals(1, jedis.geoadd("Sicily", 13.361389, 38.115556, "Palermo"));
            assertEquals(1, jedis.geoadd("Sicily", 15.087269, 37.502669, "Catania"));
            assertEquals(166.2742, jedis.geodist("Sicily", "Palermo", "Catania", GeoUnit.KM));
            assertNull(jedis.geodist("Sicily", "Palermo", "Atlantis"));
            assertEquals(List.of("sqc8b49rny0"), jedis.geohash("Sicily", "Palermo"));
            GeoCoordinate palermo = jedis.geopos("Sicily", "Palermo").get(0);
            assertEquals(13.36138933897018433, palermo.getLongitude());
            assertEquals(38.11555639549629859, palermo.getLatitude());
            List<GeoRadiusResponse> near = jedis.geosearch("Sicily",
                    GeoSearchParam.geoSearchParam().fromLonLat(15, 37).byRadius(200, GeoUnit.KM).withDist().withHash().asc());
            assertEquals(List.of("Catania", "Palermo"), near.stream().map(GeoRadiusResponse::getMemberByString).toList());
            assertEquals(56.4413, near.get(0).getDistance());
            assertEquals(3479447370796909L, near.get(0).getRawScore());
            assertEquals(1, jedis.geosearchStore("nearest", "Sicily",
                    GeoSearchParam.geoSearchParam().fromMember("Palermo").byBox(400, 400, GeoUnit.KM).desc().count(1)));
            assertEquals(List.of("Catania"), jedis.zrange("nearest", 0, -1));
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lettuceGeoCommands(ProtocolVersion protocol) {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.flushall();
            assertEquals(2L, redis.geoadd("Sicily", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"));
            assertEquals(166274.1516, redis.geodist("Sicily", "Palermo", "Catania", GeoArgs.Unit.m));
            GeoCoordinates catania = redis.geopos("Sicily", "Catania", "Atlantis").get(0);
            assertEquals(15.08726745843887329, catania.getX().doubleValue());
            assertEquals(37.50266842333162032, catania.getY().doubleValue());
            assertNull(redis.geopos("Sicily", "Atlantis").get(0));
            List<GeoWithin<String>> found = redis.geosearch("Sicily", GeoSearch.fromCoordinates(15, 37),
                    GeoSearch.byRadius(200, GeoArgs.Unit.km), new GeoArgs().withCoordinates().withDistance().asc());
            assertEquals("Catania", found.get(0).getMember());
            assertEquals(56.4413, found.get(0).getDistance());
            assertEquals(15.08726745843887329, found.get(0).getCoordinates().getX().doubleValue());
            assertEquals("Palermo", found.get(1).getMember());
            assertEquals(2L, redis.geosearchstore("byDistance", "Sicily", GeoSearch.fromMember("Palermo"),
                    GeoSearch.byRadius(300, GeoArgs.Unit.km), new GeoArgs(), true));
            assertEquals(166.27415156960033, redis.zscore("byDistance", "Catania"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void springDataRedisOpsForGeo() {
        RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(server.host(), server.port());
        LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            template.afterPropertiesSet();
            template.delete(List.of("cities", "copy"));
            GeoOperations<String, String> geo = template.opsForGeo();
            assertEquals(1L, geo.add("cities", new Point(13.361389, 38.115556), "Palermo"));
            assertEquals(1L, geo.add("cities", new Point(15.087269, 37.502669), "Catania"));
            Distance d = geo.distance("cities", "Palermo", "Catania", Metrics.KILOMETERS);
            assertEquals(166.2742, d.getValue());
            assertEquals(List.of("sqc8b49rny0", "sqdtr74hyu0"), geo.hash("cities", "Palermo", "Catania"));
            Point p = geo.position("cities", "Palermo").get(0);
            assertEquals(13.36138933897018433, p.getX());
            GeoResults<RedisGeoCommands.GeoLocation<String>> byRadius = geo.radius("cities",
                    new Circle(new Point(15, 37), new Distance(200, Metrics.KILOMETERS)),
                    RedisGeoCommands.GeoRadiusCommandArgs.newGeoRadiusArgs().includeDistance().sortAscending());
            List<String> names = new ArrayList<>();
            for (GeoResult<RedisGeoCommands.GeoLocation<String>> r : byRadius) {
                names.add(r.getContent().getName());
            }
            assertEquals(List.of("Catania", "Palermo"), names);
            assertEquals(190.4424, byRadius.getContent().get(1).getDistance().getValue());
            GeoResults<RedisGeoCommands.GeoLocation<String>> search = geo.search("cities",
                    GeoReference.fromMember("Palermo"), new Distance(100, Metrics.KILOMETERS));
            assertEquals("Palermo", search.getContent().get(0).getContent().getName());
            assertEquals(2L, geo.searchAndStore("cities", "copy", GeoReference.fromCoordinate(14, 38),
                    new Distance(200, Metrics.KILOMETERS)));
            assertEquals(1L, geo.remove("copy", "Palermo"));
        } finally {
            factory.destroy();
        }
    }
}
