import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { useEmailSettings } from '../api/outbox';

/**
 * Admins and managers are told, on every screen, when Canopy cannot send e-mail at all, and when the
 * links in customer e-mails (surveys, check-ins) would be relative because CANOPY_PUBLIC_URL is not set.
 */
export function EmailBanner() {
  const me = useMe();
  const settings = useEmailSettings();
  if (!can.audit(me) || !settings.data) return null;
  const { configured, publicUrlConfigured } = settings.data;
  // An older server does not send publicUrlConfigured: say nothing rather than guess.
  const relativeLinks = publicUrlConfigured === false;
  if (configured && !relativeLinks) return null;
  const title = configured ? 'Links in customer e-mails will not work' : 'E-mail is not configured';
  return (
    <Alert color="yellow" variant="light" title={title} mb="md" role="alert" aria-label={title}>
      {!configured && (
        <>
          Customer e-mails from playbooks and notification e-mails are not sent: they wait in the outbox until CANOPY_SMTP_URL is set and
          Canopy is restarted. <Anchor component={Link} to="/admin/outbox">See the outbox</Anchor>
        </>
      )}
      {!configured && relativeLinks && ' '}
      {relativeLinks && (
        <>
          Links in customer e-mails (surveys, check-ins) need CANOPY_PUBLIC_URL, the address customers reach Canopy at: without it they are
          relative (/s/…, /c/…) and cannot be opened from a mail client. Set it and restart Canopy before sending.
        </>
      )}
    </Alert>
  );
}
