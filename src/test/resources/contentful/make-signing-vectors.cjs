// Writes signing-vectors.json: requests signed by Contentful's own toolkit, so the router's verification is checked
// against an implementation that is not ours. Regenerate with:
//   npm install @contentful/node-apps-toolkit@3.16.1 && node make-signing-vectors.cjs > signing-vectors.json
const { signRequest, verifyRequest } = require('@contentful/node-apps-toolkit');

const secret = 'a'.repeat(20) + 'B0c1D2e3F4g5H6i7J8k9L+m/N=o_P-q'.padEnd(44, 'z');
const timestamp = 1796000000000;
const body = JSON.stringify({
  metadata: { tags: [] },
  fields: { title: { 'en-US': 'Grüße, world' } },
  sys: { type: 'Entry', id: '5KsDBWseXY6QegucYAoacS', environment: { sys: { id: 'master' } }, revision: 3 },
});
const cases = [
  { name: 'plain path', path: '/webhooks/contentful',
    headers: { 'Content-Type': 'application/vnd.contentful.management.v1+json',
               'X-Contentful-Topic': 'ContentManagement.Entry.publish' } },
  { name: 'path with a query, escaped twice as the toolkit does', path: '/webhooks/contentful?space=abc&note=a%20b',
    headers: { 'x-contentful-topic': 'ContentManagement.Entry.publish' } },
  { name: 'header names in any case, values trimmed', path: '/hooks/cf',
    headers: { 'X-Contentful-CRN': '  crn:contentful:::content:spaces/abc ', 'Authorization': 'Basic dTpw' } },
  { name: 'no headers but its own', path: '/webhooks/contentful', headers: {} },
];
const vectors = cases.map((c) => {
  const signed = signRequest(secret, { method: 'POST', path: c.path, headers: c.headers, body }, timestamp);
  const sent = { ...c.headers, ...signed };
  if (!verifyRequest(secret, { method: 'POST', path: c.path, headers: sent, body }, 0)) {
    throw new Error('the toolkit does not verify its own case: ' + c.name);
  }
  return { name: c.name, method: 'POST', path: c.path, headers: sent, body };
});
process.stdout.write(JSON.stringify({ toolkit: '@contentful/node-apps-toolkit 3.16.1', secret, timestamp, vectors }, null, 2) + '\n');
