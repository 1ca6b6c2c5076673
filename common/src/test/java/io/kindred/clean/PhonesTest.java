package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PhonesTest {

  @Test
  void nationalFormatsOfEachCountryBecomeE164() {
    assertEquals("+14155550100", Phones.toE164("(415) 555-0100", "US"));
    assertEquals("+14155550100", Phones.toE164("415-555-0100", "us"));
    assertEquals("+16135550100", Phones.toE164("1 613 555 0100", "CA"));
    assertEquals("+447700900123", Phones.toE164("07700 900123", "GB"));
    assertEquals("+447700900123", Phones.toE164("07700900123", "GB"));
    assertEquals("+4915123456789", Phones.toE164("0151 23456789", "DE"));
    assertEquals("+4915123456789", Phones.toE164("0151/23456789", "DE"));
    assertEquals("+33612345678", Phones.toE164("06 12 34 56 78", "FR"));
    assertEquals("+819012345678", Phones.toE164("090-1234-5678", "JP"));
  }

  @Test
  void internationalFormatsKeepTheirCountryCode() {
    assertEquals("+14155550100", Phones.toE164("+1 415 555 0100", "GB"));
    assertEquals("+447700900123", Phones.toE164("+44 7700 900123", "US"));
    assertEquals("+447700900123", Phones.toE164("+44 (0)7700 900123", "GB"));
    assertEquals("+33612345678", Phones.toE164("0033 6 12 34 56 78", "FR"));
    assertEquals("+819012345678", Phones.toE164("+81 90 1234 5678", "JP"));
  }

  @Test
  void countriesBeyondTheFormerElevenAreRead() {
    // national formats as written in each country; expected values by hand: country code + national number
    // without its trunk prefix
    assertEquals("+5511912345678", Phones.toE164("(11) 91234-5678", "BR"));
    assertEquals("+919876543210", Phones.toE164("098765 43210", "IN"));
    assertEquals("+27821234567", Phones.toE164("082 123 4567", "ZA"));
    assertEquals("+525512345678", Phones.toE164("55 1234 5678", "MX"));
    assertEquals("+48512345678", Phones.toE164("512 345 678", "PL"));
    assertEquals("+821012345678", Phones.toE164("010-1234-5678", "KR"));
    assertEquals("+41781234567", Phones.toE164("078 123 45 67", "ch"));
  }

  @Test
  void numbersAlreadyInE164AreKeptWhateverTheCountry() {
    assertEquals("+5511912345678", Phones.toE164("+5511912345678", "US"));
    assertEquals("+4915123456789", Phones.toE164("+4915123456789", null));
    assertEquals("+12025550123", Phones.toE164(" +12025550123 ", "ZZ"));
    assertNull(Phones.toE164("+99912345678", "US"), "country code 999 does not exist");
  }

  @Test
  void whatCannotBeReadIsNull() {
    assertNull(Phones.toE164("12", "FR"));
    assertNull(Phones.toE164("call me", "US"));
    assertNull(Phones.toE164("415 555 0100 ext 7", "US"));
    assertNull(Phones.toE164("1-800-FLOWERS", "US"));
    assertNull(Phones.toE164("4155550100", null));
    assertNull(Phones.toE164("+999 1234 5678", "US"));
    assertNull(Phones.toE164("  ", "US"));
    assertNull(Phones.toE164(null, "US"));
  }
}
