import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { useEmailSettings } from '../api/outbox';

/** Admins and managers are told, on every screen, when Canopy cannot send e-mail at all. */
export function EmailBanner() {
  const me = useMe();
  const settings = useEmailSettings();
  if (!can.audit(me) || !settings.data || settings.data.configured) return null;
  return (
    <Alert color="yellow" variant="light" title="E-mail is not configured" mb="md" role="alert" aria-label="E-mail is not configured">
      Customer e-mails from playbooks and notification e-mails are not sent: they wait in the outbox until CANOPY_SMTP_URL is set and
      Canopy is restarted. <Anchor component={Link} to="/admin/outbox">See the outbox</Anchor>
    </Alert>
  );
}
