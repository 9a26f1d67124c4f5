import { Anchor, Breadcrumbs, Grid, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useNavigate, useParams } from 'react-router';
import { useAccount, useDeleteAccount } from '../api/accounts';
import { can, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { NotFound } from '../components/NotFound';
import { lastPortfolioSearch } from '../portfolio/usePortfolioParams';
import { AccountFormModal } from './AccountFormModal';
import { AccountHeader } from './AccountHeader';
import { ContactsCard } from './ContactsCard';
import { DetailsCard } from './DetailsCard';
import { HealthCard } from './HealthCard';
import { OutcomesCard } from './OutcomesCard';
import { UsageCard } from './UsageCard';
import { LogActivityCard } from '../activities/LogActivityCard';
import { ProactiveRatioCard } from '../activities/ProactiveRatioCard';
import { AccountEscalationsCard } from '../escalations/AccountEscalationsCard';
import { TimelineCard } from '../timeline/TimelineCard';
import { TasksCard } from '../inbox/TasksCard';
import { PlaybooksCard } from '../playbooks/PlaybooksCard';
import { AutopilotAlert } from '../seeds/AutopilotAlert';
import { SeedsCard } from '../seeds/SeedsCard';
import { SurveysCard } from '../surveys/SurveysCard';
import { CriticalDatesCard } from '../critical-dates/CriticalDatesCard';
import { PlanCard } from '../plans/PlanCard';
import { ReadinessCard } from '../readiness/ReadinessCard';
import { CapacityCard } from '../capacity/CapacityCard';
import { RiskCard } from '../risk/RiskCard';

export default function AccountPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const account = useAccount(id);
  const remove = useDeleteAccount();
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);
  const back = `/${lastPortfolioSearch()}`;

  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to={back} size="sm">
        Portfolio
      </Anchor>
      <Text size="sm" c="dimmed">
        {account.data?.name ?? '…'}
      </Text>
    </Breadcrumbs>
  );

  if (account.isError) {
    if (account.error instanceof ApiError && account.error.status === 404) {
      return <NotFound message="This account does not exist or was deleted." />;
    }
    return (
      <Stack>
        {crumbs}
        <QueryError error={account.error} onRetry={() => void account.refetch()} />
      </Stack>
    );
  }

  const a = account.data;
  const canEdit = !!a && a.canEdit && can.write(me);

  const confirmDelete = () =>
    remove.mutate(id, {
      onSuccess: () => {
        notifySuccess(`${a?.name ?? 'Account'} deleted`);
        void navigate(back, { replace: true });
      },
      onError: (err) => notifyError(err, 'Could not delete the account'),
    });

  return (
    <Stack gap="md">
      {crumbs}
      {a ? (
        <AccountHeader account={a} canEdit={canEdit} onEdit={edit.open} onDelete={del.open} />
      ) : (
        <Skeleton height={150} radius="md" />
      )}
      <AutopilotAlert accountId={id} canEdit={canEdit} />
      <Grid gap="md">
        <Grid.Col span={12}>
          <HealthCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={12}>
          <RiskCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <UsageCard accountId={id} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          {a ? <DetailsCard account={a} /> : <Skeleton height={220} radius="md" />}
        </Grid.Col>
        <Grid.Col span={12}>
          <PlanCard accountId={id} accountName={a?.name} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <ReadinessCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <CapacityCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <TasksCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PlaybooksCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={12}>
          <ContactsCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={12}>
          <CriticalDatesCard accountId={id} canEdit={canEdit} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {canEdit && <LogActivityCard accountId={id} />}
            <TimelineCard accountId={id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <ProactiveRatioCard accountId={id} />
            <AccountEscalationsCard accountId={id} canEdit={canEdit} />
            <SeedsCard accountId={id} canEdit={canEdit} />
            <SurveysCard accountId={id} canEdit={canEdit} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <OutcomesCard accountId={id} arr={a?.arr ?? null} canEdit={canEdit} />
        </Grid.Col>
      </Grid>
      {a && canEdit && (
        <>
          <AccountFormModal opened={editing} onClose={edit.close} account={a} />
          <ConfirmModal
            opened={deleting}
            title={`Delete ${a.name}?`}
            confirmLabel="Delete account"
            loading={remove.isPending}
            onConfirm={confirmDelete}
            onClose={del.close}
          >
            The account, its {a.contactCount} contact{a.contactCount === 1 ? '' : 's'} and its history leave the
            portfolio. This cannot be undone.
          </ConfirmModal>
        </>
      )}
    </Stack>
  );
}
