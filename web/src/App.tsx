import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, useEffect, useState, type ComponentType } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { meKey } from './api/auth';
import { setAuthRequiredHandler } from './api/client';
import { createQueryClient } from './api/queryClient';
import { LoginPage } from './auth/LoginPage';
import { RequireAuth, RequireRole } from './auth/RequireAuth';
import { AppLayout } from './components/AppLayout';
import { NotFound } from './components/NotFound';
import { theme } from './theme';

/**
 * A page whose code loads on demand. The page the browser opened starts loading with the app, in
 * parallel with the sign-in check, instead of after it: a deep link (the inbox, an account) shows
 * its first rows a round trip sooner.
 */
const opened = typeof window === 'undefined' ? '' : window.location.pathname;
function page<T extends { default: ComponentType }>(path: RegExp, load: () => Promise<T>) {
  if (path.test(opened)) void load();
  return lazy(load);
}

/** Created with the module, so that data a deep link needs can be asked for before the first render. */
const bootQueryClient = createQueryClient();
if (/^\/inbox/.test(opened)) void import('./inbox/prefetch').then((m) => m.prefetchInbox(bootQueryClient, window.location.search));

const PortfolioPage = page(/^\/$/, () => import('./portfolio/PortfolioPage').then((m) => ({ default: m.PortfolioPage })));
const AccountPage = page(/^\/accounts\//, () => import('./account/AccountPage'));
const UsersPage = page(/^\/admin\/users/, () => import('./admin/UsersPage'));
const ApiKeysPage = page(/^\/admin\/api-keys/, () => import('./admin/ApiKeysPage'));
const AuditPage = page(/^\/admin\/audit/, () => import('./admin/AuditPage'));
const WebhooksPage = page(/^\/admin\/webhooks/, () => import('./admin/WebhooksPage'));
const OutboxPage = page(/^\/admin\/outbox/, () => import('./admin/OutboxPage'));
const NotificationSettingsPage = page(/^\/settings\/notifications/, () => import('./notifications/NotificationSettingsPage'));
const HealthDashboardPage = page(/^\/health/, () => import('./health/HealthDashboardPage'));
const DriversPage = page(/^\/drivers\/?$/, () => import('./drivers/DriversPage'));
const DriverEditorPage = page(/^\/drivers\/(?!impact)[^/]+/, () => import('./drivers/DriverEditorPage'));
const DriverImpactPage = page(/^\/drivers\/impact/, () => import('./drivers/DriverImpactPage'));
const EscalationsPage = page(/^\/escalations/, () => import('./escalations/EscalationsPage'));
const TeamProactivePage = page(/^\/team\/proactive/, () => import('./activities/TeamProactivePage'));
const SeedLibraryPage = page(/^\/seeds/, () => import('./seeds/SeedLibraryPage'));
const SurveysPage = page(/^\/surveys\/?$/, () => import('./surveys/SurveysPage'));
const SurveyPage = page(/^\/surveys\/[^/]+/, () => import('./surveys/SurveyPage'));
const PlansDashboardPage = page(/^\/plans\/?$/, () => import('./plans/PlansDashboardPage'));
const PlanPage = page(/^\/plans\/[^/]+/, () => import('./plans/PlanPage'));
const TemplatesPage = page(/^\/plan-templates\/?$/, () => import('./plans/TemplatesPage'));
const TemplateEditorPage = page(/^\/plan-templates\/[^/]+/, () => import('./plans/TemplateEditorPage'));
const InboxPage = page(/^\/inbox/, () => import('./inbox/InboxPage'));
const PlaybooksPage = page(/^\/playbooks\/?$/, () => import('./playbooks/PlaybooksPage'));
const PlaybookEditorPage = page(/^\/playbooks\/[^/]+/, () => import('./playbooks/PlaybookEditorPage'));
const ReadinessPage = page(/^\/readiness/, () => import('./readiness/ReadinessPage'));
const ChangeTalkPage = page(/^\/change-talk/, () => import('./changetalk/ChangeTalkPage'));
const RulesPage = page(/^\/rules\/?$/, () => import('./rules/RulesPage'));
const RuleEditorPage = page(/^\/rules\/[^/]+/, () => import('./rules/RuleEditorPage'));
const RiskRadarPage = page(/^\/risk\/?$/, () => import('./risk/RadarPage'));
const RiskRegisterPage = page(/^\/risk\/register/, () => import('./risk/RegisterPage'));
const RiskSignalsPage = page(/^\/risk\/signals/, () => import('./risk/SignalsPage'));
const CriticalDatesPage = page(/^\/critical-dates/, () => import('./critical-dates/CriticalDatesPage'));
const ReviewsPage = page(/^\/reviews\/?$/, () => import('./reviews/ReviewsPage'));
const ReviewPatternsPage = page(/^\/reviews\/patterns/, () => import('./reviews/PatternsPage'));
const ReviewPage = page(/^\/reviews\/(?!patterns)[^/]+/, () => import('./reviews/ReviewPage'));
const RenewalsPage = page(/^\/renewals/, () => import('./renewals/RenewalsPage'));
const ImportsPage = page(/^\/imports\/?$/, () => import('./imports/ImportsPage'));
const ImportWizardPage = page(/^\/imports\/new/, () => import('./imports/ImportWizardPage'));
const ImportPage = page(/^\/imports\/(?!new)[^/]+/, () => import('./imports/ImportPage'));
const RetentionPage = page(/^\/analytics\/retention/, () => import('./analytics/RetentionPage'));

export function App() {
  const [queryClient] = useState(() => bootQueryClient);

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
                  <Route path="risk" element={<RiskRadarPage />} />
                  <Route path="risk/register" element={<RiskRegisterPage />} />
                  <Route path="risk/signals" element={<RiskSignalsPage />} />
                  <Route path="accounts/:id" element={<AccountPage />} />
                  <Route path="health" element={<HealthDashboardPage />} />
                  <Route path="drivers" element={<DriversPage />} />
                  <Route path="drivers/impact" element={<DriverImpactPage />} />
                  <Route path="drivers/:id" element={<DriverEditorPage />} />
                  <Route path="escalations" element={<EscalationsPage />} />
                  <Route path="team/proactive" element={<TeamProactivePage />} />
                  <Route path="seeds" element={<SeedLibraryPage />} />
                  <Route path="surveys" element={<SurveysPage />} />
                  <Route path="surveys/:id" element={<SurveyPage />} />
                  <Route path="readiness" element={<ReadinessPage />} />
                  <Route path="change-talk" element={<ChangeTalkPage />} />
                  <Route path="plans" element={<PlansDashboardPage />} />
                  <Route path="plans/:planId" element={<PlanPage />} />
                  <Route path="plan-templates" element={<TemplatesPage />} />
                  <Route path="plan-templates/:id" element={<TemplateEditorPage />} />
                  <Route path="critical-dates" element={<CriticalDatesPage />} />
                  <Route path="reviews" element={<ReviewsPage />} />
                  <Route path="reviews/patterns" element={<ReviewPatternsPage />} />
                  <Route path="reviews/:id" element={<ReviewPage />} />
                  <Route path="renewals" element={<RenewalsPage />} />
                  <Route path="imports" element={<ImportsPage />} />
                  <Route path="imports/new" element={<ImportWizardPage />} />
                  <Route path="imports/:id" element={<ImportPage />} />
                  <Route path="analytics/retention" element={<RetentionPage />} />
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
