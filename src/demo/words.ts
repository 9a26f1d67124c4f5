// Word lists for the demo book. Kept apart from the generator so that the logic stays readable.
// Company names are compounds ("North" + "wind") followed by a line of business, which gives
// ~29k distinct names: enough for a 10k-account portfolio demo without numbered fallbacks.

export const NAME_HEADS = [
  'North', 'Blue', 'Silver', 'Red', 'Green', 'Bright', 'Clear', 'Stone', 'Iron', 'Summit',
  'Pine', 'Oak', 'Cedar', 'Maple', 'River', 'Lake', 'Harbor', 'Golden', 'Swift', 'True',
  'High', 'Deep', 'Far', 'Wild', 'Sun', 'Star', 'Cloud', 'Frost', 'Ember', 'Coral',
  'Amber', 'Granite', 'Copper', 'Falcon', 'Arrow', 'Vista', 'Nova', 'Terra', 'Atlas', 'Beacon',
] as const;

export const NAME_TAILS = [
  'wind', 'peak', 'field', 'gate', 'bridge', 'stone', 'wave', 'line', 'point', 'crest',
  'ridge', 'brook', 'light', 'path', 'spire', 'forge', 'works', 'haven', 'mark', 'wood',
  'view', 'bay', 'well', 'side',
] as const;

/** A line of business for the name, and the industry it implies (stored in custom.industry). */
export const BUSINESS_LINES: ReadonlyArray<readonly [string, string]> = [
  ['Analytics', 'Software'], ['Software', 'Software'], ['Labs', 'Software'], ['Systems', 'Software'],
  ['Cloud', 'Software'], ['Health', 'Healthcare'], ['Medical', 'Healthcare'], ['Clinics', 'Healthcare'],
  ['Capital', 'Financial Services'], ['Financial', 'Financial Services'], ['Payments', 'Financial Services'],
  ['Insurance', 'Insurance'], ['Assurance', 'Insurance'], ['Logistics', 'Logistics'], ['Freight', 'Logistics'],
  ['Manufacturing', 'Manufacturing'], ['Industries', 'Manufacturing'], ['Robotics', 'Manufacturing'],
  ['Retail', 'Retail'], ['Foods', 'Retail'], ['Outfitters', 'Retail'], ['Learning', 'Education'],
  ['Academy', 'Education'], ['Media', 'Media'], ['Studios', 'Media'], ['Energy', 'Energy'],
  ['Solar', 'Energy'], ['Hotels', 'Hospitality'], ['Properties', 'Real Estate'], ['Telecom', 'Telecommunications'],
  ['Consulting', 'Professional Services'], ['Partners', 'Professional Services'],
];

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sophia', 'Lucas', 'Isabella', 'Ethan',
  'Mia', 'Arjun', 'Priya', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Jin', 'Soo-ah', 'Fatima',
  'Omar', 'Leila', 'Yusuf', 'Amara', 'Kwame', 'Chidi', 'Zanele', 'Thabo', 'Ingrid', 'Lars',
  'Freya', 'Sven', 'Elena', 'Marco', 'Giulia', 'Luca', 'Chloé', 'Julien', 'Camille', 'Hannah',
  'Jonas', 'Lena', 'Felix', 'Ana', 'Diego', 'Valentina', 'Santiago', 'Camila', 'Aisha', 'Tariq',
  'Nadia', 'Dmitri', 'Katya', 'Aleksander', 'Zofia', 'Grace', 'Samuel', 'Chloe', 'Benjamin', 'Nora',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Garcia', 'Martinez', 'Brown', 'Lee', 'Nguyen', 'Patel', 'Shah', 'Kumar',
  'Chen', 'Wang', 'Tanaka', 'Sato', 'Kim', 'Park', 'Haddad', 'Rahman', 'Okafor', 'Mensah',
  'Ndlovu', 'Adeyemi', 'Larsen', 'Nilsson', 'Johansson', 'Rossi', 'Bianchi', 'Dubois', 'Moreau', 'Müller',
  'Schmidt', 'Fischer', 'Novak', 'Kowalski', 'Ivanova', 'Silva', 'Santos', 'Ferreira', 'Lopez', 'Hernández',
  "O'Brien", 'Murphy', 'Walsh', 'Campbell', 'Anderson', 'Taylor', 'Thompson', 'Clarke', 'Wright', 'Baker',
] as const;

export const TITLES = {
  champion: ['Head of Operations', 'Director of Customer Experience', 'Operations Manager', 'Head of Analytics', 'Program Manager'],
  executive_sponsor: ['VP of Operations', 'Chief Operating Officer', 'Chief Technology Officer', 'VP of Customer Success', 'Chief Financial Officer'],
  admin: ['IT Administrator', 'Systems Administrator', 'Platform Owner', 'Business Systems Analyst'],
  user: ['Analyst', 'Account Manager', 'Operations Specialist', 'Team Lead', 'Project Coordinator', 'Data Analyst', 'Support Specialist'],
} as const;

export const TEAM_NAMES = ['Enterprise Team', 'Growth Team'] as const;

/**
 * The vendor-side people. A fixed roster (not drawn from the seed) so that docs and screenshots
 * can name them; team 0 covers Enterprise accounts, team 1 Mid-Market and SMB.
 */
export const ROSTER: ReadonlyArray<{ name: string; role: 'manager' | 'csm'; team: 0 | 1 }> = [
  { name: 'Dana Whitfield', role: 'manager', team: 0 },
  { name: 'Priya Raman', role: 'csm', team: 0 },
  { name: 'Marcus Okafor', role: 'csm', team: 0 },
  { name: 'Sofia Lindqvist', role: 'csm', team: 1 },
  { name: 'Daniel Kim', role: 'csm', team: 1 },
  { name: 'Amara Nwosu', role: 'csm', team: 1 },
];

export const PLANS = {
  Enterprise: ['Enterprise', 'Enterprise Plus'],
  'Mid-Market': ['Business', 'Professional'],
  SMB: ['Starter', 'Professional'],
} as const;

export const EVENT_NAMES = [
  'Logged In', 'Report Created', 'Dashboard Viewed', 'Export Run', 'Integration Connected', 'Invite Sent',
  'Workflow Automated', 'API Call', 'Comment Added', 'File Uploaded', 'Alert Configured', 'Seat Activated',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/**
 * Relative frequency of each product feature when an account uses it. The activation events
 * (integrations, invites, seats) follow the account's lifecycle instead (people.ts).
 */
export const EVENT_WEIGHTS: Record<EventName, number> = {
  'Logged In': 30, 'Dashboard Viewed': 20, 'API Call': 14, 'Report Created': 8, 'Comment Added': 7,
  'File Uploaded': 5, 'Export Run': 5, 'Workflow Automated': 4, 'Invite Sent': 2, 'Alert Configured': 2,
  'Integration Connected': 0.6, 'Seat Activated': 1,
};

export const REPORT_TYPES = ['pipeline', 'usage', 'revenue', 'support', 'forecast'] as const;
export const DASHBOARDS = ['Overview', 'Team Performance', 'Weekly Summary', 'Executive', 'Operations'] as const;
export const INTEGRATIONS = ['Salesforce', 'HubSpot', 'Slack', 'Zendesk', 'Jira', 'Google Drive', 'Snowflake'] as const;
export const API_ENDPOINTS = ['/v1/records', '/v1/reports', '/v1/users', '/v1/exports', '/v1/webhooks'] as const;
export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;

/** What a CSM wrote down when the outcome was recorded. */
export const OUTCOME_NOTES = {
  renewed: ['Renewed on the same terms.', 'Renewed for another year; no change in scope.', 'Renewed after a short negotiation on price.'],
  expanded: ['Expanded: added seats for a new team.', 'Upgraded the plan and added seats.', 'Expanded to a second business unit.'],
  churned: [
    'Did not renew: moved to a competitor.', 'Did not renew: budget cut.', 'Did not renew: champion left the company.',
    'Did not renew: the project was cancelled.',
  ],
  downgraded: ['Renewed with fewer seats after a usage review.', 'Downgraded the plan to cut costs.', 'Renewed for one team only.'],
} as const;
