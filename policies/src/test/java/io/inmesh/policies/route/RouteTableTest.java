package io.inmesh.policies.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static VirtualHost vh(String name, String... domains) {
    return new VirtualHost(name, List.of(domains), List.of());
  }

  @Test
  void selectsInEnvoyOrderExactThenSuffixThenPrefixThenAny() {
    RouteTable table = new RouteTable("t", List.of(
        vh("any", "*"),
        vh("prefix", "reviews.*"),
        vh("short-suffix", "*.local"),
        vh("long-suffix", "*.cluster.local"),
        vh("exact", "reviews.default.svc.cluster.local:9080")));
    assertEquals("exact", table.select("reviews.default.svc.cluster.local:9080").name());
    assertEquals("long-suffix", table.select("ratings.default.svc.cluster.local").name());
    assertEquals("short-suffix", table.select("x.local").name());
    assertEquals("prefix", table.select("reviews.example").name());
    assertEquals("any", table.select("example.com").name());
  }

  @Test
  void domainsIgnoreCaseAndFallBackToTheNameWithoutPort() {
    RouteTable table = new RouteTable("t", List.of(vh("reviews", "Reviews.default")));
    assertEquals("reviews", table.select("reviews.DEFAULT:9080").name());
    assertNull(table.select("ratings.default:9080"));
  }

  @Test
  void aWildcardMustMatchAtLeastOneCharacter() {
    RouteTable table = new RouteTable("t", List.of(vh("suffix", "*.example.com")));
    assertNull(table.select(".example.com"));
    assertEquals("suffix", table.select("a.example.com").name());
  }
}
