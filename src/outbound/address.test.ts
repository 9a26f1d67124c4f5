import { describe, expect, it } from 'vitest';
import { AllowList, OutboundRefusedError, checkUrl, checkUrlAtSave, classifyAddress, parseAllowEntry, type RefusalReason } from './address.js';

const reasonOf = (fn: () => unknown): RefusalReason | null => {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof OutboundRefusedError) return err.reason;
    throw err;
  }
};

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'], ['10.255.255.255', 'private'], ['172.16.0.1', 'private'], ['172.31.255.254', 'private'], ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link_local'], ['169.254.0.1', 'link_local'],
    ['100.64.0.1', 'cgnat'], ['100.127.255.254', 'cgnat'],
    ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'],
    ['192.0.2.10', 'reserved'], ['198.18.0.1', 'reserved'], ['203.0.113.5', 'reserved'], ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'], ['::', 'unspecified'],
    ['fc00::1', 'unique_local'], ['fd00:ec2::254', 'unique_local'], ['fe80::1', 'link_local'], ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.0.0.1', 'private'], ['::ffff:169.254.169.254', 'link_local'],
    ['::7f00:1', 'reserved'], ['64:ff9b::7f00:1', 'reserved'], ['2002:7f00:1::', 'reserved'], ['2001:db8::1', 'reserved'],
    ['[::1]', 'loopback'], ['fe80::1%eth0', 'link_local'], ['not-an-ip', 'reserved'],
  ] as const)('refuses %s as %s', (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets public %s through', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });
});

describe('checkUrl', () => {
  const none = AllowList.empty;
  it.each([
    ['http://2130706433/', 'loopback'], ['http://0x7f000001/', 'loopback'], ['http://0177.0.0.1/', 'loopback'], ['http://127.1/', 'loopback'],
    ['http://017700000001/', 'loopback'], ['http://0x0a000001/', 'private'], ['http://[::1]:8080/', 'loopback'], ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'], ['http://169.254.169.254/latest/meta-data/', 'link_local'], ['https://[fd00:ec2::254]/', 'unique_local'],
    ['http://0.0.0.0:3000/', 'unspecified'], ['http://10.1.2.3/hook', 'private'], ['http://100.100.100.200/', 'cgnat'],
    ['ftp://example.com/', 'scheme'], ['file:///etc/passwd', 'scheme'], ['gopher://example.com/', 'scheme'], ['javascript:alert(1)', 'scheme'],
    ['http://user:pass@example.com/', 'userinfo'], ['http://user@example.com/', 'userinfo'], ['not a url', 'invalid_url'],
  ] as const)('refuses %s (%s)', (url, reason) => {
    expect(reasonOf(() => checkUrl(url, none))).toBe(reason);
  });

  it('passes public addresses and host names (DNS is checked at send time)', () => {
    expect(checkUrl('https://hooks.example.com/x', none).host).toBe('hooks.example.com');
    expect(checkUrl('http://93.184.216.34:8080/', none).host).toBe('93.184.216.34');
    expect(checkUrl('http://localhost:3000/', none).host).toBe('localhost');
  });

  it('the allow-list permits a host, an address or a range', () => {
    expect(reasonOf(() => checkUrl('http://127.0.0.1:9999/', new AllowList(['127.0.0.1'])))).toBeNull();
    expect(reasonOf(() => checkUrl('http://10.9.9.9/', new AllowList(['10.0.0.0/8'])))).toBeNull();
    expect(reasonOf(() => checkUrl('http://[::ffff:10.9.9.9]/', new AllowList(['10.0.0.0/8'])))).toBeNull();
    expect(reasonOf(() => checkUrl('http://10.9.9.9/', new AllowList(['10.0.0.0/16'])))).toBe('private');
    expect(reasonOf(() => checkUrl('http://[::1]/', new AllowList(['::1'])))).toBeNull();
    expect(reasonOf(() => checkUrl('ftp://127.0.0.1/', new AllowList(['127.0.0.1'])))).toBe('scheme');
  });

  it('at save time also refuses names that always mean this machine, unless allowed', () => {
    expect(reasonOf(() => checkUrlAtSave('http://localhost:3000/', AllowList.empty, 'url'))).toBe('loopback');
    expect(reasonOf(() => checkUrlAtSave('http://api.localhost/', AllowList.empty, 'url'))).toBe('loopback');
    expect(reasonOf(() => checkUrlAtSave('http://localhost:3000/', new AllowList(['localhost']), 'url'))).toBeNull();
    expect(() => checkUrlAtSave('http://10.0.0.1/', AllowList.empty, 'url')).toThrow(
      expect.objectContaining({ code: 'outbound.refused', status: 400, fields: [{ path: 'url', message: 'private network address (private)' }] }),
    );
  });
});

describe('parseAllowEntry', () => {
  it('normalises host names, addresses and ranges', () => {
    expect(parseAllowEntry('Hooks.Example.com.')?.entry).toBe('hooks.example.com');
    expect(parseAllowEntry('10.1.2.3/8')?.entry).toBe('10.0.0.0/8');
    expect(parseAllowEntry('[::1]')?.entry).toBe('::1');
    expect(parseAllowEntry('fd00::/8')?.entry).toBe('fd00::/8');
    expect(parseAllowEntry(' 127.0.0.1 ')?.entry).toBe('127.0.0.1');
  });
  it.each(['', 'not a host!', '10.0.0.0/33', '10.0.0.0/x', '300.1.1.1', 'http://example.com', 'a..b', '-bad.example.com'])('rejects %j', (raw) => {
    expect(parseAllowEntry(raw)).toBeNull();
  });
});
