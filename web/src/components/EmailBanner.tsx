import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { useEmailSettings } from '../api/outbox';
import { emailBannerState } from './emailBanner';

/**
 * Admins and managers are told, on every screen, when Canopy cannot send e-mail at all, and when the
 * links in customer e-mails (surveys, check-ins) would be relative because CANOPY_PUBLIC_URL is not set.
 */
export function EmailBanner() {
  const me = useMe();
  const settings = useEmailSettings();
  const state = settings.data ? emailBannerState(settings.data) : null;
  if (!can.audit(me) || !state) return null;
  const { title, noSmtp, relativeLinks } = state;
  return (
    <Alert color="yellow" variant="light" title={title} mb="md" role="alert" aria-label={title}>
      {noSmtp && (
        <>
          Customer e-mails from playbooks and notification e-mails are not sent: they wait in the outbox until CANOPY_SMTP_URL is set and
          Canopy is restarted. <Anchor component={Link} to="/admin/outbox">See the outbox</Anchor>
        </>
      )}
      {noSmtp && relativeLinks && ' '}
      {relativeLinks && (
        <>
          Links in customer e-mails (surveys, check-ins) need CANOPY_PUBLIC_URL, the address customers reach Canopy at: without it they are
          relative (/s/…, /c/…) and cannot be opened from a mail client. Set it and restart Canopy before sending.
        </>
      )}
    </Alert>
  );
}
