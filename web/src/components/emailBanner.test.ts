import { describe, expect, it } from 'vitest';
import { emailBannerState } from './emailBanner';

describe('emailBannerState', () => {
  it('says nothing when e-mail is sent and links are absolute', () => {
    expect(emailBannerState({ configured: true, publicUrlConfigured: true })).toBeNull();
  });
  it('says links need CANOPY_PUBLIC_URL when SMTP is set but the public URL is not', () => {
    expect(emailBannerState({ configured: true, publicUrlConfigured: false })).toEqual({ title: 'Links in customer e-mails will not work', noSmtp: false, relativeLinks: true });
  });
  it('says e-mail is off, and adds the links when the public URL is unset too', () => {
    expect(emailBannerState({ configured: false, publicUrlConfigured: true })).toEqual({ title: 'E-mail is not configured', noSmtp: true, relativeLinks: false });
    expect(emailBannerState({ configured: false, publicUrlConfigured: false })).toEqual({ title: 'E-mail is not configured', noSmtp: true, relativeLinks: true });
  });
  it('does not guess when an older server leaves publicUrlConfigured out', () => {
    expect(emailBannerState({ configured: true })).toBeNull();
  });
});
