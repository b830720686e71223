package io.inmesh.policies.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.route.HeaderMatcher.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteMatchTest {

  @Test
  void prefixMatchesTheStartOfThePathAndQuery() {
    PathMatcher p = new PathMatcher.Prefix("/api", true);
    assertTrue(p.matches("/api/v1?x=1"));
    assertFalse(p.matches("/API/v1"));
    assertTrue(new PathMatcher.Prefix("/api", false).matches("/API/v1"));
  }

  @Test
  void exactPathAndRegexIgnoreTheQuery() {
    assertTrue(new PathMatcher.Exact("/reviews/1", true).matches("/reviews/1?full=true"));
    assertFalse(new PathMatcher.Exact("/reviews/1", true).matches("/reviews/12"));
    PathMatcher regex = new PathMatcher.Regex(Pattern.compile("/reviews/[0-9]+"));
    assertTrue(regex.matches("/reviews/42?x=y"));
    assertFalse(regex.matches("/reviews/42/extra"));
  }

  @Test
  void headerMatchersInEveryFirstCutForm() {
    TestRequest jason = TestRequest.of("reviews:9080", "/", "end-user", "jason", "x-ver", "v2-beta");
    assertTrue(HeaderMatcher.ofString("End-User", Kind.EXACT, "jason", false, false)
        .matches(jason));
    assertFalse(HeaderMatcher.ofString("end-user", Kind.EXACT, "JASON", false, false)
        .matches(jason));
    assertTrue(HeaderMatcher.ofString("end-user", Kind.EXACT, "JASON", true, false)
        .matches(jason));
    assertTrue(HeaderMatcher.ofString("x-ver", Kind.PREFIX, "v2", false, false).matches(jason));
    assertTrue(HeaderMatcher.ofString("x-ver", Kind.SUFFIX, "beta", false, false).matches(jason));
    assertTrue(HeaderMatcher.ofString("x-ver", Kind.CONTAINS, "2-b", false, false).matches(jason));
    assertTrue(HeaderMatcher.ofRegex("x-ver", Pattern.compile("v[0-9]-.*"), false).matches(jason));
    assertTrue(HeaderMatcher.ofPresent("end-user", true, false).matches(jason));
    assertFalse(HeaderMatcher.ofPresent("cookie", true, false).matches(jason));
    assertTrue(HeaderMatcher.ofPresent("cookie", true, true).matches(jason));
    assertFalse(HeaderMatcher.ofString("absent", Kind.EXACT, "x", false, false).matches(jason));
    assertTrue(HeaderMatcher.ofString(":authority", Kind.PREFIX, "reviews", false, false)
        .matches(jason));
  }

  @Test
  void allHeaderMatchersMustMatch() {
    RouteMatch match = new RouteMatch(new PathMatcher.Prefix("/", true), List.of(
        HeaderMatcher.ofString("end-user", Kind.EXACT, "jason", false, false),
        HeaderMatcher.ofPresent("x-canary", true, false)));
    assertFalse(match.matches(TestRequest.of("a", "/", "end-user", "jason")));
    assertTrue(match.matches(TestRequest.of("a", "/", "end-user", "jason", "x-canary", "1")));
  }

  @Test
  void weightedClustersSplitInProportion() {
    ClusterSpecifier.WeightedClusters split = ClusterSpecifier.WeightedClusters.of(List.of(
        new ClusterSpecifier.WeightedCluster("v1", 80),
        new ClusterSpecifier.WeightedCluster("v2", 20)));
    int v1 = 0;
    for (int r = 0; r < 100; r++) {
      if (split.pickCluster(r).equals("v1")) {
        v1++;
      }
    }
    assertEquals(80, v1);
    assertEquals("v1", split.pickCluster(79));
    assertEquals("v2", split.pickCluster(80));
    assertEquals("v2", split.pickCluster(199));
  }
}
