// The dashboard in headless Chromium, as DashboardBrowserTest runs it:
//   node dashboard.mjs retry EXECUTION_UID   the dead letter is listed, its Retry button brings it to succeeded,
//                                            and the execution opens with its items and notifications
//   node dashboard.mjs enable TARGET         the target a 410 disabled shows an Enable button that enables it
// Both first see the page's 401 message, then enter the admin token. Environment: ROUTER_URL (http://localhost:PORT),
// ROUTER_ADMIN_TOKEN, SCREENSHOT_DIR (default target). Exit code 0 when all of that is seen, with a screenshot of the
// page; otherwise 1, the step that failed, and a screenshot of the page then.
import {chromium} from 'playwright-core';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';

const {ROUTER_URL: base, ROUTER_ADMIN_TOKEN: token} = process.env;
const shots = process.env.SCREENSHOT_DIR || 'target';
const [scenario, subject] = process.argv.slice(2);
if (!base || !token || !['retry', 'enable'].includes(scenario) || !subject) {
  console.error('usage: ROUTER_URL=... ROUTER_ADMIN_TOKEN=... node dashboard.mjs retry EXECUTION_UID | enable TARGET');
  process.exit(2);
}
// what the page waits for is the router's work (a retry runs on its schedule) and its 5 s polls
const WAIT = {timeout: 60_000};
let step = 'starting Chromium';

async function signIn(page) {
  step = 'loading /ui/';
  await page.goto(`${base}/ui/`);
  step = 'the 401 message before a token is given';
  await page.getByTestId('message').filter({hasText: '401'}).waitFor(WAIT);
  step = 'entering the admin token';
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', {name: 'Use token'}).click();
  await page.getByTestId('message').waitFor({...WAIT, state: 'hidden'});
  step = 'reading the backlog from the metrics';
  await page.getByTestId('stat-backlog').filter({hasText: /^\d+$/}).waitFor(WAIT);
}

async function retry(page, uid) {
  step = `finding dead letter ${uid}`;
  const deadLetter = page.getByTestId(`dead-letter-${uid}`);
  await deadLetter.waitFor(WAIT);
  step = `clicking Retry on ${uid}`;
  await page.getByTestId(`retry-${uid}`).click();
  await page.getByTestId('notice').filter({hasText: `Retry scheduled for execution ${uid}`}).waitFor(WAIT);
  step = `waiting for ${uid} to succeed`;
  await page.getByTestId(`watch-${uid}`).filter({hasText: 'succeeded'}).waitFor(WAIT);
  await deadLetter.waitFor({...WAIT, state: 'detached'});
  step = `opening execution ${uid}`;
  await page.getByTestId(`execution-${uid}`).getByRole('button').click();
  await page.getByTestId('execution-items').getByRole('row').filter({hasText: 'succeeded'}).waitFor(WAIT);
  await page.getByTestId('execution-notifications').getByRole('row').filter({hasText: 'delivered'}).waitFor(WAIT);
}

async function enable(page, name) {
  step = `finding the Enable button of target ${name}`;
  await page.getByTestId(`target-${name}`).filter({hasText: 'gone'}).waitFor(WAIT);
  step = `clicking Enable on ${name}`;
  await page.getByTestId(`enable-${name}`).click();
  await page.getByTestId('notice').filter({hasText: `Target ${name} enabled`}).waitFor(WAIT);
  await page.getByTestId(`target-${name}`).filter({hasText: 'active'}).waitFor(WAIT);
  await page.getByTestId(`enable-${name}`).waitFor({...WAIT, state: 'detached'});
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // this machine's network is closed: nothing that would call out (updates, sync, QUIC probes)
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
const pageErrors = [];
page.on('pageerror', error => pageErrors.push(error.message));
page.on('console', message => {
  if (['error', 'warning'].includes(message.type())) console.log(`[page ${message.type()}] ${message.text()}`);
});
mkdirSync(shots, {recursive: true});
try {
  await signIn(page);
  await (scenario === 'retry' ? retry(page, subject) : enable(page, subject));
  step = 'checking the page raised no error';
  if (pageErrors.length) throw new Error(pageErrors.join('; '));
  await page.screenshot({path: join(shots, `dashboard-${scenario}.png`), fullPage: true});
  console.log(`dashboard: ${scenario} ${subject} done from the page`);
} catch (error) {
  const shot = join(shots, `dashboard-${scenario}-failure.png`);
  await page.screenshot({path: shot, fullPage: true}).catch(() => {});
  console.error(`dashboard: FAILED at ${step}: ${error.message}\nscreenshot: ${shot}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
