import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown>; summary?: string }>> };

describe('GET /api/openapi.json', () => {
  it('documents every endpoint with its request and response schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as Doc;
    expect(doc.openapi).toMatch(/^3\./);
    const expected: [string, string][] = [
      ['post', '/api/auth/login'], ['post', '/api/auth/logout'], ['get', '/api/auth/me'],
      ['get', '/api/accounts'], ['post', '/api/accounts'], ['get', '/api/accounts/{id}'], ['patch', '/api/accounts/{id}'],
      ['delete', '/api/accounts/{id}'], ['get', '/api/accounts/{id}/usage'], ['get', '/api/accounts/facets'],
      ['get', '/api/contacts'], ['post', '/api/contacts'], ['get', '/api/contacts/{id}'], ['patch', '/api/contacts/{id}'], ['delete', '/api/contacts/{id}'],
      ['get', '/api/users'], ['post', '/api/users'], ['patch', '/api/users/{id}'], ['post', '/api/users/{id}/reset-password'],
      ['get', '/api/teams'], ['post', '/api/teams'], ['get', '/api/api-keys'], ['post', '/api/api-keys'], ['delete', '/api/api-keys/{id}'],
      ['get', '/api/audit'], ['get', '/api/health'],
      ['post', '/v1/track'], ['post', '/v1/identify'], ['post', '/v1/group'], ['post', '/v1/page'], ['post', '/v1/batch'],
      // The work engine's API shape, which external checks rely on.
      ['post', '/api/activities'], ['get', '/api/accounts/{id}/timeline'], ['get', '/api/tasks'], ['patch', '/api/tasks/{id}'],
      ['get', '/api/playbooks'], ['post', '/api/playbooks'], ['post', '/api/accounts/{id}/playbooks'],
      ['get', '/api/rules'], ['post', '/api/rules'], ['post', '/api/rules/dry-run'], ['get', '/api/rules/{id}/firings'],
      ['post', '/api/escalations'], ['get', '/api/webhooks'], ['post', '/api/webhooks'], ['get', '/api/webhooks/{id}/deliveries'],
      // Success plans and success planting (issue 10).
      ['post', '/api/accounts/{id}/success-plans'], ['get', '/api/accounts/{id}/success-plans'],
      ['get', '/api/success-plans/{id}'], ['patch', '/api/success-plans/{id}'], ['delete', '/api/success-plans/{id}'],
      ['post', '/api/success-plans/{id}/goals'], ['patch', '/api/goals/{id}'], ['delete', '/api/goals/{id}'],
      ['post', '/api/goals/{id}/criteria'], ['post', '/api/goals/{id}/milestones'],
      ['post', '/api/success-plans/{id}/share'], ['delete', '/api/success-plans/{id}/share'], ['get', '/api/shared/plans/{token}'],
      ['get', '/api/plan-templates'], ['post', '/api/plan-templates'], ['post', '/api/success-plans/{id}/apply-template'],
      ['get', '/api/seed-questions'], ['post', '/api/seed-questions'], ['get', '/api/seed-questions/{id}'],
      ['post', '/api/accounts/{id}/seeds'], ['get', '/api/accounts/{id}/seeds'], ['post', '/api/seeds/{id}/events'],
      ['get', '/api/accounts/{id}/autopilot'],
      // Readiness (issue 11).
      ['post', '/api/accounts/{id}/initiatives'], ['get', '/api/accounts/{id}/readiness'], ['patch', '/api/initiatives/{id}'], ['delete', '/api/initiatives/{id}'],
      ['post', '/api/check-ins'], ['post', '/api/initiatives/{id}/check-in-requests'], ['post', '/api/initiatives/{id}/spoon-task'],
      ['get', '/api/readiness/summary'], ['get', '/api/readiness/accounts'], ['get', '/api/readiness/settings'], ['put', '/api/readiness/settings'], ['post', '/api/public/check-ins/{token}'],
      // Change talk (issue 11).
      ['post', '/api/change-talk/classify'], ['get', '/api/change-talk/lexicon'], ['get', '/api/change-talk/phrases'], ['post', '/api/change-talk/phrases'],
      ['delete', '/api/change-talk/phrases/{id}'], ['get', '/api/change-talk/corrections'], ['post', '/api/change-talk/corrections'],
      ['get', '/api/change-talk/evaluation'],
      // Surveys (issue 11).
      ['get', '/api/surveys'], ['post', '/api/surveys'], ['get', '/api/surveys/{id}'], ['patch', '/api/surveys/{id}'], ['post', '/api/surveys/{id}/send'],
      ['get', '/api/surveys/{id}/results'], ['get', '/api/surveys/{id}/responses.csv'], ['get', '/api/accounts/{id}/surveys'], ['post', '/api/public/surveys/{token}'],
      // Capacity (issue 11).
      ['get', '/api/accounts/{id}/capacity'], ['put', '/api/accounts/{id}/capacity'], ['get', '/api/capacity/accounts'], ['get', '/api/capacity/settings'], ['put', '/api/capacity/settings'],
      // Compound risk (issue 12).
      ['get', '/api/accounts/{id}/risk'], ['post', '/api/accounts/{id}/risk/judgment'], ['get', '/api/accounts/{id}/risk/history'], ['get', '/api/risk/radar'],
      ['get', '/api/risk/summary'], ['get', '/api/risk/evaluation'], ['get', '/api/risk/calibration'],
      // Renewals and retention (issue 12).
      ['get', '/api/renewals'], ['get', '/api/renewals/forecast'], ['get', '/api/renewals.csv'], ['put', '/api/renewals/{accountId}/override'],
      ['delete', '/api/renewals/{accountId}/override'], ['get', '/api/analytics/retention'],
      // Subscriptions and retention analytics (issue 13).
      ['get', '/api/analytics/cohorts'], ['get', '/api/analytics/definitions'], ['get', '/api/accounts/{id}/subscriptions'], ['get', '/api/accounts/{id}/arr-history'],
      ['post', '/api/subscriptions'], ['patch', '/api/subscriptions/{id}'], ['delete', '/api/subscriptions/{id}'],
      // Critical dates (issue 12).
      ['post', '/api/accounts/{id}/critical-dates'], ['get', '/api/accounts/{id}/critical-dates'], ['get', '/api/critical-dates'], ['get', '/api/critical-dates/{id}'],
      ['patch', '/api/critical-dates/{id}'], ['delete', '/api/critical-dates/{id}'],
      // Churn and downgrade reviews (issue 12).
      ['get', '/api/reviews'], ['get', '/api/reviews/{id}'], ['patch', '/api/reviews/{id}'], ['get', '/api/reviews/patterns'],
      // Risk register (issue 12).
      ['get', '/api/failure-modes'], ['post', '/api/failure-modes'], ['patch', '/api/failure-modes/{id}'], ['get', '/api/account-risks'],
      ['post', '/api/accounts/{id}/risks'], ['patch', '/api/account-risks/{id}'],
      // Risk signals (issue 12).
      ['get', '/api/signal-definitions'], ['post', '/api/signal-definitions'], ['patch', '/api/signal-definitions/{id}'],
      ['post', '/api/signal-definitions/{id}/dry-run'], ['post', '/api/risk-signals'], ['patch', '/api/risk-signals/{id}'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op?.summary, `${method} ${path} summary`).toBeTruthy();
      expect(Object.keys(op?.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
      if (method === 'post' && !path.endsWith('/logout') && !path.endsWith('/reset-password')) expect(op?.requestBody, `${path} body`).toBeDefined();
    }
    // The check takes no body (POST: it does something), so it is outside the loop's body check.
    expect(doc.paths['/api/critical-dates/{id}/check']?.post?.summary, 'POST /api/critical-dates/{id}/check').toBeTruthy();
    expect(doc.paths['/api/account-risks/{id}/start-playbook']?.post?.summary, 'POST /api/account-risks/{id}/start-playbook').toBeTruthy();
    const list = doc.paths['/api/accounts']?.get?.responses['200'] as { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
    expect(Object.keys(list.content['application/json'].schema.properties)).toEqual(['items', 'nextCursor', 'total', 'active', 'totalArr', 'activeArr', 'churnedArr']);
  });

  it('documents the optional Idempotency-Key header and its 409/422 answers on every POST that takes it', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Doc;
    type Op = { parameters?: { in: string; name: string; required?: boolean; description?: string }[]; responses: Record<string, { description?: string }> };
    const op = (path: string) => doc.paths[path]?.post as Op | undefined;
    const keyParam = (path: string) => op(path)?.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
    for (const path of ['/api/accounts', '/api/accounts/{id}/playbooks', '/api/tasks', '/api/activities', '/api/webhooks', '/api/escalations', '/api/outcomes', '/api/contacts']) {
      expect(keyParam(path), path).toMatchObject({ required: false });
      expect(keyParam(path)?.description, path).toMatch(/24 hours/);
      expect(op(path)?.responses['422']?.description, path).toMatch(/idempotency\.key_reused/);
      expect(op(path)?.responses['409']?.description, path).toMatch(/idempotency\.in_progress/);
    }
    // Every POST of the REST API has it, but for signing in, answers that carry a credential, and a shared link's public writes.
    const without = Object.keys(doc.paths).filter((p) => p.startsWith('/api/') && op(p) && !keyParam(p)).sort();
    expect(without).toEqual(['/api/api-keys', '/api/auth/login', '/api/auth/logout', '/api/auth/password',
      '/api/public/check-ins/{token}', '/api/public/surveys/{token}',
      '/api/shared/plans/{token}/comments', '/api/shared/plans/{token}/tasks/{taskId}/complete', '/api/success-plans/{id}/share', '/api/users', '/api/users/{id}/reset-password', '/api/webhooks/{id}/rotate-secret']);
    expect(doc.paths['/api/accounts']?.get).not.toHaveProperty('parameters.0.name', 'idempotency-key');
    expect(JSON.stringify(doc.paths['/v1/track'])).not.toContain('idempotency-key');
  });

  it('serves the docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
