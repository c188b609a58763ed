import { describe, expect, it } from 'vitest';
import { isIbanValid } from './is-iban-valid.ts';
import { isIpv4Address, isIpv6Address } from './is-ip-address.ts';
import { isLuhnValid } from './is-luhn-valid.ts';

describe('isLuhnValid', () => {
  it('accepts test card numbers of the major networks and refuses one digit off', () => {
    for (const card of ['4111111111111111', '4012888888881881', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000', '4222222222222']) {
      expect(isLuhnValid(card)).toBe(true);
      const last = Number(card.at(-1));
      expect(isLuhnValid(card.slice(0, -1) + String((last + 1) % 10))).toBe(false);
    }
    expect(isLuhnValid('')).toBe(false);
  });
});

describe('isIbanValid', () => {
  it('accepts registry examples and refuses a changed digit or a wrong length', () => {
    for (const iban of ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'NO9386011117947', 'CH9300762011623852957']) {
      expect(isIbanValid(iban)).toBe(true);
    }
    expect(isIbanValid('GB82WEST12345698765433')).toBe(false);
    expect(isIbanValid('DE89370400440532013001')).toBe(false);
    expect(isIbanValid('GB82WEST1234569876543')).toBe(false);
    expect(isIbanValid('XX82WEST12345698765432')).toBe(false);
  });
});

describe('IP address parsing', () => {
  it('accepts IPv4 with octets up to 255 only', () => {
    expect(isIpv4Address('255.255.255.255')).toBe(true);
    expect(isIpv4Address('0.0.0.0')).toBe(true);
    expect(isIpv4Address('256.1.1.1')).toBe(false);
    expect(isIpv4Address('1.2.3')).toBe(false);
    expect(isIpv4Address('01.2.3.4')).toBe(false);
  });

  it('accepts full, compressed and IPv4-suffixed IPv6', () => {
    for (const address of ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8::1', '::1', '::', 'fe80::', '::ffff:192.0.2.128', '64:ff9b::192.0.2.33', '1:2:3:4:5:6:1.2.3.4']) {
      expect(isIpv6Address(address)).toBe(true);
    }
    for (const notAddress of ['12:30:45', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', ':::', '00:1a:2b:3c:4d:5e', '1:2:3:4:5:6:7::8', '::ffff:300.0.0.1']) {
      expect(isIpv6Address(notAddress)).toBe(false);
    }
  });
});
