package dev.tandem.journal.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConfigReaderTest
{
    enum Mode
    {
        FAST, SAFE
    }

    interface Shape
    {
    }

    static final class Circle implements Shape
    {
        long radius = 1;
    }

    static final class Dot implements Shape
    {
    }

    static final class Target
    {
        String name;
        int count;
        long big;
        boolean on;
        Mode mode;
        List<String> hosts = new ArrayList<>();
        Shape shape;
        final Inner inner = new Inner();
        List<Inner> items = new ArrayList<>();
    }

    static final class Inner
    {
        int size;
    }

    static final ConfigTable<Inner> INNER = new ConfigTable<Inner>("inner")
        .intValue("size", (inner, size) -> inner.size = size);

    static final ConfigTypes<Shape> SHAPES = new ConfigTypes<Shape>("a shape")
        .type("Circle", Circle::new, new ConfigTable<Circle>("!Circle").longValue("radius", (c, r) -> c.radius = r))
        .type("Dot", Dot::new, new ConfigTable<>("!Dot"))
        .scalar("POINT", Dot::new);

    static final ConfigTable<Target> TABLE = new ConfigTable<Target>("target")
        .text("name", (t, v) -> t.name = v)
        .intValue("count", 0, 100, (t, v) -> t.count = v)
        .alias("howMany", "count")
        .longValue("big", (t, v) -> t.big = v)
        .bool("on", (t, v) -> t.on = v)
        .enumValue("mode", Mode.class, (t, v) -> t.mode = v)
        .textList("hosts", (t, v) -> t.hosts = v)
        .object("shape", SHAPES, (t, v) -> t.shape = v)
        .section("inner", INNER, t -> t.inner)
        .list("items", INNER, Inner::new, (t, v) -> t.items = v);

    private static String failure(final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> TABLE.fromYaml(yaml, new Target()));
        assertTrue(ex.getMessage().startsWith(ConfigException.PREFIX), ex.getMessage());
        return ex.detail();
    }

    @Test
    void shouldReadBlockAndFlowStyleAlike()
    {
        final String flow = "{ name: a, count: 8_0, big: 9000000000, on: TRUE, mode: safe, hosts: [ h1, \"h 2\" ], " +
            "shape: !Circle { radius: 3 }, inner: { size: 4 }, items: [ { size: 1 }, { size: 2 } ] }  # comment";
        final String block = "# a comment\nname: a\ncount: 80\nbig: 9000000000\non: true\nmode: SAFE\n" +
            "hosts:\n  - h1\n  - \"h 2\"\nshape: !Circle { radius: 3 }\ninner:\n  size: 4\nitems:\n  - size: 1\n" +
            "  - size: 2\n";
        for (final String yaml : List.of(flow, block))
        {
            final Target target = TABLE.fromYaml(yaml, new Target());
            assertEquals("a", target.name);
            assertEquals(80, target.count);
            assertEquals(9_000_000_000L, target.big);
            assertTrue(target.on);
            assertEquals(Mode.SAFE, target.mode);
            assertEquals(List.of("h1", "h 2"), target.hosts);
            assertEquals(3, ((Circle)target.shape).radius);
            assertEquals(4, target.inner.size);
            assertEquals(2, target.items.get(1).size);
        }
    }

    @Test
    void shouldNameTheKeyPathAndTheBadValue()
    {
        final String unknown = failure("{ name: a, inner: { sise: 3 } }");
        assertTrue(unknown.startsWith("inner.sise: unknown key 'sise'; valid keys of inner: size"), unknown);
        assertTrue(failure("{ Name: a }").contains("(did you mean name?)"));
        final String notNumber = failure("{ items: [ { size: 1 }, { size: big } ] }");
        assertTrue(notNumber.startsWith("items[1].size: 'big' is not a whole number"), notNumber);
        final String range = failure("{ count: 101 }");
        assertTrue(range.startsWith("count: 101 is out of range, expected 0..100"), range);
        final String bool = failure("{ on: yes please }");
        assertTrue(bool.startsWith("on: 'yes please' is not a boolean"), bool);
        final String mode = failure("{ mode: QUICK }");
        assertTrue(mode.startsWith("mode: 'QUICK' is not valid, expected one of FAST, SAFE"), mode);
        final String notMap = failure("{ inner: 3 }");
        assertTrue(notMap.startsWith("inner: '3' is not a map; expected a map of inner keys: size"), notMap);
        final String notList = failure("{ hosts: h1 }");
        assertTrue(notList.startsWith("hosts: 'h1' is not a list"), notList);
        final String notText = failure("{ name: [ a ] }");
        assertTrue(notText.startsWith("name: a list is not text"), notText);
        assertTrue(failure("{ name: a, name: b }").startsWith("name: given twice"));
        assertTrue(failure("{ count: 1, howMany: 2 }").startsWith("howMany: given twice"));
        assertTrue(failure("a: &x 1\nb: *x\n").contains("anchors"));
    }

    @Test
    void shouldReadAnAliasOfAKey()
    {
        assertEquals(7, TABLE.fromYaml("howMany: 7", new Target()).count);
        assertEquals(Map.of("howMany", "count"), TABLE.aliases());
    }

    @Test
    void shouldChooseATypeByTagPlainFormOrBareName()
    {
        assertEquals(5, ((Circle)SHAPES.fromYaml("!Circle { radius: 5 }")).radius);
        assertEquals(6, ((Circle)SHAPES.fromYaml("{ type: Circle, radius: 6 }")).radius);
        assertEquals(1, ((Circle)SHAPES.fromYaml("Circle")).radius);
        assertInstanceOf(Dot.class, SHAPES.fromYaml("POINT"));
        assertInstanceOf(Dot.class, SHAPES.fromYaml("!POINT {}"));
        assertInstanceOf(Dot.class, SHAPES.fromYaml("!Dot {}"));
        assertInstanceOf(Dot.class, TABLE.fromYaml("shape: !Dot\nname: x\n", new Target()).shape);
    }

    @Test
    void shouldNameAMistypedTagAndListTheValidOnes()
    {
        final String tag = failure("{ shape: !Cirkle { radius: 5 } }");
        assertTrue(tag.startsWith("shape: !Cirkle is not a shape; valid: !Circle { radius }, !Dot {}, POINT"), tag);
        assertTrue(failure("{ shape: !circle { } }").contains("(did you mean !Circle?)"));
        final String plain = failure("{ shape: { type: Square } }");
        assertTrue(plain.startsWith("shape: !Square is not a shape"), plain);
        final String untyped = failure("{ shape: { radius: 5 } }");
        assertTrue(untyped.startsWith("shape: a map without a type"), untyped);
        final String key = failure("{ shape: !Circle { diameter: 5 } }");
        assertTrue(key.startsWith("shape.diameter: unknown key 'diameter'; valid keys of !Circle: radius"), key);
    }

    @Test
    void shouldReadTheMapAnApplicationsOwnReaderMade()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "m");
        map.put("count", 12);
        map.put("on", Boolean.TRUE);
        map.put("hosts", List.of("a", "b"));
        map.put("shape", Map.of("type", "Circle", "radius", 9L));
        map.put("items", List.of(Map.of("size", 3)));
        final Target target = TABLE.apply(YamlNode.of(map, ""), new Target());
        assertEquals("m", target.name);
        assertEquals(12, target.count);
        assertTrue(target.on);
        assertEquals(List.of("a", "b"), target.hosts);
        assertEquals(9, ((Circle)target.shape).radius);
        assertEquals(3, target.items.get(0).size);

        map.put("count", "many");
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> TABLE.apply(YamlNode.of(map, "app.tandem"), new Target()));
        assertTrue(ex.detail().startsWith("app.tandem.count: 'many' is not a whole number"), ex.getMessage());
        final Supplier<YamlNode> badValue = () -> YamlNode.of(Map.of("x", new Object()), "");
        assertTrue(assertThrows(ConfigException.class, badValue::get).detail().startsWith("x: a Object is not"));
    }

    @Test
    void shouldKeepTagsAndEmptyValuesInTheTree()
    {
        final YamlNode root = YamlNode.parse("!Top {\n  a: 1,\n  b: !Dot { },\n  c: \"\"\n}\n");
        assertEquals("Top", root.tag());
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(root.keys()));
        assertEquals("Dot", root.get("b").tag());
        assertEquals("b", root.get("b").path());
        assertEquals("", root.get("c").text());
        assertNull(YamlNode.parse("a:\nb: 2\n").get("a").text());
        assertEquals("{ \"a\": \"1\" }", YamlNode.parse("a: 1").toYaml());
    }

    @Test
    void shouldParseHostAndPortOneWay()
    {
        assertEquals(9880, HostPort.parse("k", "127.0.0.1:9880", false).getPort());
        assertEquals("::1", HostPort.parse("k", "[::1]:9880", false).getHostString());
        assertEquals(0, HostPort.parse("k", "localhost:0", true).getPort());
        assertTrue(assertThrows(ConfigException.class, () -> HostPort.parse("fix.listen", "localhost:0", false))
            .detail().startsWith("fix.listen: 'localhost:0' has port 0 out of range, expected 1..65535"));
        assertTrue(assertThrows(ConfigException.class, () -> HostPort.parse("fix.listen", "localhost", true))
            .detail().startsWith("fix.listen: 'localhost' is not host:port"));
        assertTrue(assertThrows(ConfigException.class, () -> HostPort.parse("fix.listen", "h:x", true))
            .detail().startsWith("fix.listen: 'h:x' has a port that is not a number"));
        assertTrue(assertThrows(ConfigException.class, () -> HostPort.parse("fix.listen", null, true))
            .detail().startsWith("fix.listen: missing address"));
        assertEquals("[::1]:5", HostPort.format(HostPort.parse("k", "[::1]:5", false)));
    }
}
