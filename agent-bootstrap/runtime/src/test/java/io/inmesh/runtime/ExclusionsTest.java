package io.inmesh.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExclusionsTest {

  @Test
  void cidrsMatchIpLiteralsOnly() {
    Exclusions e = Exclusions.parse(null, "127.96.0.0/16, ::1/128", null);
    assertTrue(e.excludes("127.96.3.4", 80));
    assertFalse(e.excludes("127.97.0.1", 80));
    assertTrue(e.excludes("[::1]", 443));
    assertTrue(e.excludes("::1", 443));
    // a host name is never resolved to check a CIDR
    assertFalse(e.excludes("localhost", 80));
  }

  @Test
  void oddPrefixLengthsMaskPartialBytes() {
    Exclusions e = Exclusions.parse(null, "127.96.0.0/13", null);
    assertTrue(e.excludes("127.103.255.255", 1));
    assertFalse(e.excludes("127.104.0.0", 1));
  }

  @Test
  void hostsMatchExactlyOrBySuffixIgnoringCase() {
    Exclusions e = Exclusions.parse("Metadata.Google.Internal;*.svc.example", null, null);
    assertTrue(e.excludes("metadata.google.internal", 80));
    assertTrue(e.excludes("db.svc.example", 5432));
    assertFalse(e.excludes("svc.example.com", 80));
  }

  @Test
  void connectionsAreJudgedByTheNameTheyWereGivenAndTheAddressTheyDial() {
    Exclusions e = Exclusions.parse("db.example", "127.96.0.0/16", "6379");
    byte[] vip = {127, 96, 0, 15};
    byte[] other = {127, 97, 0, 1};
    assertTrue(e.excludes(null, vip, 5432), "the address is in a CIDR");
    assertTrue(e.excludes("db.example", other, 5432), "the name is excluded");
    assertTrue(e.excludes(null, other, 6379), "the port is excluded");
    assertFalse(e.excludes("reviews", other, 5432));
    assertFalse(e.excludes(null, null, 5432), "an unresolved destination matches no CIDR");
  }

  @Test
  void aBadCidrNamesTheSetting() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Exclusions.parse(null, "127.0.0.0/33", null));
    assertTrue(bad.getMessage().startsWith("exclude_cidrs: "), bad.getMessage());
  }
}
