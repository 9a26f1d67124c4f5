import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, useEffect, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { meKey } from './api/auth';
import { setAuthRequiredHandler } from './api/client';
import { createQueryClient } from './api/queryClient';
import { LoginPage } from './auth/LoginPage';
import { RequireAuth, RequireRole } from './auth/RequireAuth';
import { AppLayout } from './components/AppLayout';
import { NotFound } from './components/NotFound';
import { PortfolioPage } from './portfolio/PortfolioPage';
import { theme } from './theme';

const AccountPage = lazy(() => import('./account/AccountPage'));
const UsersPage = lazy(() => import('./admin/UsersPage'));
const ApiKeysPage = lazy(() => import('./admin/ApiKeysPage'));
const AuditPage = lazy(() => import('./admin/AuditPage'));
const WebhooksPage = lazy(() => import('./admin/WebhooksPage'));
const OutboxPage = lazy(() => import('./admin/OutboxPage'));
const NotificationSettingsPage = lazy(() => import('./notifications/NotificationSettingsPage'));
const HealthDashboardPage = lazy(() => import('./health/HealthDashboardPage'));
const DriversPage = lazy(() => import('./drivers/DriversPage'));
const DriverEditorPage = lazy(() => import('./drivers/DriverEditorPage'));
const DriverImpactPage = lazy(() => import('./drivers/DriverImpactPage'));
const EscalationsPage = lazy(() => import('./escalations/EscalationsPage'));
const TeamProactivePage = lazy(() => import('./activities/TeamProactivePage'));
const InboxPage = lazy(() => import('./inbox/InboxPage'));
const PlaybooksPage = lazy(() => import('./playbooks/PlaybooksPage'));
const PlaybookEditorPage = lazy(() => import('./playbooks/PlaybookEditorPage'));
const RulesPage = lazy(() => import('./rules/RulesPage'));
const RuleEditorPage = lazy(() => import('./rules/RuleEditorPage'));

export function App() {
  const [queryClient] = useState(createQueryClient);

  useEffect(() => {
    // Any 401 `auth.required` means the session is gone: forget it, and the guard sends us to /login.
    setAuthRequiredHandler(() => queryClient.setQueryData(meKey, null));
    return () => setAuthRequiredHandler(null);
  }, [queryClient]);

  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <DatesProvider settings={{ firstDayOfWeek: 1 }}>
        <Notifications position="top-right" limit={4} />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<RequireAuth />}>
                <Route element={<AppLayout />}>
                  <Route index element={<PortfolioPage />} />
                  <Route path="inbox" element={<InboxPage />} />
                  <Route path="playbooks" element={<PlaybooksPage />} />
                  <Route path="playbooks/:id" element={<PlaybookEditorPage />} />
                  <Route path="rules" element={<RulesPage />} />
                  <Route path="rules/:id" element={<RuleEditorPage />} />
                  <Route path="accounts/:id" element={<AccountPage />} />
                  <Route path="health" element={<HealthDashboardPage />} />
                  <Route path="drivers" element={<DriversPage />} />
                  <Route path="drivers/impact" element={<DriverImpactPage />} />
                  <Route path="drivers/:id" element={<DriverEditorPage />} />
                  <Route path="escalations" element={<EscalationsPage />} />
                  <Route path="team/proactive" element={<TeamProactivePage />} />
                  <Route element={<RequireRole roles={['admin']} />}>
                    <Route path="admin/users" element={<UsersPage />} />
                  </Route>
                  <Route element={<RequireRole roles={['admin', 'manager']} />}>
                    <Route path="admin/api-keys" element={<ApiKeysPage />} />
                    <Route path="admin/audit" element={<AuditPage />} />
                    <Route path="admin/webhooks" element={<WebhooksPage />} />
                    <Route path="admin/outbox" element={<OutboxPage />} />
                  </Route>
                  <Route path="settings/notifications" element={<NotificationSettingsPage />} />
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
