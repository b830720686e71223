package io.inmesh.policies.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.route.HeaderMatcher.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchersTest {

  @Test
  void pathSeparatedPrefixNeedsASeparator() {
    PathMatcher p = new PathMatcher.PathSeparatedPrefix("/api", true);
    assertTrue(p.matches("/api"));
    assertTrue(p.matches("/api/v1"));
    assertTrue(p.matches("/api?x=1"));
    assertFalse(p.matches("/apiv1"));
    assertFalse(p.matches("/API/v1"));
    assertTrue(new PathMatcher.PathSeparatedPrefix("/api", false).matches("/API/v1"));
  }

  @Test
  void exactPathIgnoresCaseWhenAsked() {
    assertTrue(new PathMatcher.Exact("/Reviews", false).matches("/reviews?x"));
    assertFalse(new PathMatcher.Exact("/Reviews", true).matches("/reviews"));
  }

  @Test
  void rangeMatchIsHalfOpenAndNeedsAnInteger() {
    HeaderMatcher range = HeaderMatcher.ofRange("x-n", -10, 0, false, false);
    assertTrue(range.matches(TestRequest.of("a", "/", "x-n", "-1")));
    assertTrue(range.matches(TestRequest.of("a", "/", "x-n", "-10")));
    assertFalse(range.matches(TestRequest.of("a", "/", "x-n", "0")));
    assertFalse(range.matches(TestRequest.of("a", "/", "x-n", "1.5")));
    assertTrue(HeaderMatcher.ofRange("x-n", -10, 0, true, false)
        .matches(TestRequest.of("a", "/", "x-n", "5")));
  }

  @Test
  void absentHeaderNeverMatchesAValueMatcherEvenInverted() {
    TestRequest none = TestRequest.of("a", "/");
    assertFalse(HeaderMatcher.ofString("x", Kind.EXACT, "v", false, true).matches(none));
    assertTrue(HeaderMatcher.ofString("x", Kind.EXACT, "", false, false, true).matches(none));
    assertTrue(HeaderMatcher.ofPresent("x", false, false).matches(none));
    assertFalse(HeaderMatcher.ofPresent("x", false, true).matches(none));
  }

  @Test
  void pseudoHeadersReadTheRequest() {
    TestRequest post = TestRequest.of("h:80", "/p").withMethod("POST").withScheme("https");
    assertTrue(HeaderMatcher.ofString(":method", Kind.EXACT, "POST", false, false).matches(post));
    assertTrue(HeaderMatcher.ofString(":scheme", Kind.EXACT, "https", false, false)
        .matches(post));
    assertTrue(HeaderMatcher.ofString(":path", Kind.PREFIX, "/p", false, false).matches(post));
    assertTrue(HeaderMatcher.ofString("host", Kind.EXACT, "h:80", false, false).matches(post));
  }

  @Test
  void containsIgnoringCase() {
    assertTrue(HeaderMatcher.ofString("x", Kind.CONTAINS, "BeT", true, false)
        .matches(TestRequest.of("a", "/", "x", "alphabeta")));
    assertTrue(StringMatch.regex(Pattern.compile("a.c")).matches("abc"));
    assertFalse(StringMatch.regex(Pattern.compile("a.c")).matches("abcd"));
  }

  @Test
  void queryParametersAreDecodedAndTheFirstValueCounts() {
    TestRequest r = TestRequest.of("a", "/s?q=hello+world&debug&x=%41%42&q=second");
    assertEquals("hello world", r.queryParameter("q"));
    assertEquals("", r.queryParameter("debug"));
    assertEquals("AB", r.queryParameter("x"));
    assertNull(r.queryParameter("missing"));
    assertNull(TestRequest.of("a", "/s").queryParameter("q"));
    assertTrue(new QueryParameterMatcher("q", StringMatch.of(StringMatch.Kind.PREFIX, "HELLO",
        true)).matches(r));
    assertTrue(QueryParameterMatcher.present("debug").matches(r));
    assertFalse(QueryParameterMatcher.present("nope").matches(r));
    assertEquals("x y", TestRequest.of("a", "/?a%20b=x+y").queryParameter("a b"));
  }

  @Test
  void cookiesAreParsedFromTheCookieHeader() {
    TestRequest r = TestRequest.of("a", "/", "cookie", "a=1; session=\"abc\";b=2");
    assertEquals("abc", r.cookie("session"));
    assertEquals("2", r.cookie("b"));
    assertNull(r.cookie("c"));
    assertNull(TestRequest.of("a", "/").cookie("a"));
  }

  @Test
  void routeMatchAddsQueryParametersAndARuntimeFraction() {
    RouteMatch match = new RouteMatch(new PathMatcher.Prefix("/", true), List.of(),
        List.of(QueryParameterMatcher.present("canary")), 250_000);
    RandomSource random = RandomSource.seeded(42);
    TestRequest canary = TestRequest.of("a", "/?canary=1");
    int hits = 0;
    for (int i = 0; i < 10_000; i++) {
      if (match.matches(canary, random)) {
        hits++;
      }
    }
    assertEquals(2500, hits, 150);
    assertFalse(match.matches(TestRequest.of("a", "/"), random));
    RouteMatch never = new RouteMatch(new PathMatcher.Prefix("/", true), List.of(), List.of(), 0);
    assertFalse(never.matches(canary, random));
  }

  @Test
  void ignorePortInHostMatching() {
    VirtualHost withPort = new VirtualHost("p", List.of("reviews:9080"), List.of());
    VirtualHost bare = new VirtualHost("b", List.of("reviews"), List.of());
    RouteTable normal = new RouteTable("t", List.of(withPort, bare));
    assertEquals("p", normal.select("reviews:9080").name());
    RouteTable ignoring = new RouteTable("t", List.of(withPort, bare), true, null);
    assertEquals("b", ignoring.select("reviews:9080").name());
    assertEquals("b", ignoring.select("reviews").name());
  }
}
