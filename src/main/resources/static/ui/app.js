'use strict';
// The operators' dashboard: reads the router's HTTP API (README "HTTP API") with the admin token and shows it.
// Every value from the API reaches the page as text (textContent, text nodes), never as markup.

const POLL_MS = 5000;
const WATCH_MS = 1000;
const EXECUTIONS_SHOWN = 50;
const TOKEN_KEY = 'router-admin-token';
const SETTLED = new Set(['succeeded', 'partial', 'failed', 'ignored']);
// status_code 400-599: failed (500) and partial (424) executions, the dead letters
const DEAD_LETTERS = '/executions?limit=100&query=' + encodeURIComponent('{"status":{"$gte":"400","$lte":"599"}}');

const $ = id => document.getElementById(id);
const watched = new Map();          // execution uid -> its last status, after a Retry
let openExecution = null;           // the uid shown in the Execution section
let previousCounters = null;        // {at, values} of the last metrics poll, for rates

class Unauthorized extends Error {}

/** An element with attributes and children; elements are appended as they are, anything else as a text node. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  children.forEach(child => node.append(child instanceof Node ? child : String(child ?? '')));
  return node;
}

async function call(path, method = 'GET') {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (method === 'POST') headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {method, headers, cache: 'no-store'});
  const text = await response.text();
  if (response.status === 401) throw new Unauthorized();
  if (!response.ok) {
    let reason = text;
    try { reason = JSON.parse(text).error ?? text; } catch (notJson) { /* the body as it came */ }
    throw new Error(`${method} ${path}: ${response.status} ${reason}`);
  }
  return text;
}

const getJson = async (path, method) => JSON.parse(await call(path, method));

function showProblem(error) {
  const message = $('message');
  message.textContent = error instanceof Unauthorized
    ? '401: the router refused this request. Enter its admin token (router.admin-token) above.'
    : String(error.message || error);
  message.hidden = false;
}

function notice(text) {
  $('notice').textContent = text;
}

const when = iso => iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
const badge = status => el('span', {class: `status status-${status}`}, status);

function rows(tbody, list, columns, render) {
  tbody.replaceChildren(...(list.length ? list.map(render)
    : [el('tr', {}, el('td', {colspan: columns, class: 'empty'}, 'None'))]));
}

function openButton(uid) {
  return el('button', {type: 'button', class: 'link', 'aria-label': `Open execution ${uid}`,
    onclick: () => { openExecution = uid; showExecution().catch(showProblem); }}, uid);
}

function summary(counts) {
  return Object.entries(counts || {}).filter(([name]) => name !== 'attempts')
    .map(([name, n]) => `${n} ${name}`).join(', ');
}

// --- backlog and rates, from /actuator/prometheus ------------------------------------------------------------------

function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);   // # HELP, # TYPE: no match
    if (!sample) continue;
    const labels = {};
    for (const [, name, value] of (sample[2] || '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value;
    }
    samples.push({name: sample[1], labels, value: Number(sample[3])});
  }
  return samples;
}

function total(samples, name, labels = {}) {
  return samples.filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const GAUGES = [
  ['backlog', 'Backlog (executions)', 'router_backlog_executions', {}, n => n],
  ['oldest', 'Oldest in backlog', 'router_backlog_oldest_age_seconds', {}, n => `${Math.round(n)} s`],
  ['scheduled', 'Items waiting for a scheduled retry', 'router_retries_scheduled_items', {}, n => n],
  ['dead-items', 'Dead letters: items', 'router_dead_letters', {kind: 'item'}, n => n],
  ['dead-notifications', 'Dead letters: notifications', 'router_dead_letters', {kind: 'notification'}, n => n],
];
const RATES = [
  ['accepted', 'Webhooks accepted', 'router_webhooks_received_total', {outcome: 'accepted'}],
  ['refused', 'Webhooks refused', 'router_webhooks_received_total', {outcome: 'refused'}],
  ['items-succeeded', 'Items applied', 'router_items_total', {result: 'succeeded'}],
  ['items-failed', 'Items failed', 'router_items_total', {result: 'failed'}],
  ['delivered', 'Notifications delivered', 'router_target_notifications_total', {outcome: 'delivered'}],
];

async function showStats() {
  const samples = parsePrometheus(await call('/actuator/prometheus'));
  const now = Date.now();
  const values = Object.fromEntries(RATES.map(([key, , name, labels]) => [key, total(samples, name, labels)]));
  const stats = GAUGES.map(([key, label, name, labels, format]) => {
    const value = total(samples, name, labels);
    return [key, label, Number.isFinite(value) ? format(value) : 'unknown (database unreadable)'];
  });
  for (const [key, label] of RATES) {
    const seconds = previousCounters && (now - previousCounters.at) / 1000;
    const increase = previousCounters && values[key] - previousCounters.values[key];
    stats.push([key, `${label} per second`, seconds && increase >= 0 ? (increase / seconds).toFixed(2) : '…']);
  }
  previousCounters = {at: now, values};
  $('stats').replaceChildren(...stats.flatMap(([key, label, value]) =>
    [el('dt', {}, label), el('dd', {'data-testid': `stat-${key}`}, value)]));
}

// --- executions ----------------------------------------------------------------------------------------------------

async function showDeadLetters() {
  const {executions} = await getJson(DEAD_LETTERS);
  rows($('dead-letters'), executions, 7, e => el('tr', {'data-testid': `dead-letter-${e.uid}`},
    el('td', {}, openButton(e.uid)), el('td', {}, when(e.created_at)), el('td', {}, e.source),
    el('td', {}, `${e.module}.${e.event}`), el('td', {}, badge(e.status)),
    el('td', {}, e.error || summary(e.summary)),
    el('td', {}, el('button', {type: 'button', 'data-testid': `retry-${e.uid}`,
      'aria-label': `Retry execution ${e.uid}`, onclick: event => retry(e.uid, event.currentTarget)}, 'Retry'))));
}

async function retry(uid, button) {
  button.disabled = true;
  try {
    const answer = await getJson(`/executions/${encodeURIComponent(uid)}/retry`, 'POST');
    notice(`${answer.notice} for execution ${uid} (failed items due again: ${answer.failed_items},`
      + ` notifications sent again: ${answer.notifications_replayed}).`);
    watched.set(uid, 'retry scheduled');
    showWatched();
    watch(uid);
  } catch (error) {
    button.disabled = false;
    showProblem(error);
  }
}

/** Follows a retried execution until it settles again. */
async function watch(uid) {
  try {
    const {status} = await getJson(`/executions/${encodeURIComponent(uid)}`);
    watched.set(uid, status);
    showWatched();
    if (SETTLED.has(status)) {
      refresh();
      return;
    }
  } catch (error) {
    showProblem(error);
  }
  setTimeout(() => watch(uid), WATCH_MS);
}

function showWatched() {
  $('watched').replaceChildren(...[...watched].map(([uid, status]) => el('li', {'data-testid': `watch-${uid}`},
    'Retried execution ', el('code', {}, uid), ': ', badge(status))));
}

async function showExecutions() {
  const params = new URLSearchParams({limit: EXECUTIONS_SHOWN});
  if ($('filter-status').value) params.set('status', $('filter-status').value);
  if ($('filter-source').value) params.set('source', $('filter-source').value);
  const channel = $('filter-channel').value.trim();
  // plain text matches the channels that contain it; with a * it is a pattern of the router rules' language
  if (channel) params.set('channel', channel.includes('*') ? channel : `*${channel}*`);
  const {executions} = await getJson('/executions?' + params);
  rows($('executions'), executions, 6, e => el('tr', {'data-testid': `execution-${e.uid}`},
    el('td', {}, openButton(e.uid)), el('td', {}, when(e.created_at)), el('td', {}, e.source),
    el('td', {}, `${e.module}.${e.event}`), el('td', {}, badge(e.status)), el('td', {}, summary(e.summary))));
}

async function showExecution() {
  if (!openExecution) return;
  const e = await getJson(`/executions/${encodeURIComponent(openExecution)}`);
  $('execution-section').hidden = false;
  $('execution-uid').textContent = e.uid;
  const facts = [['Status', badge(e.status)], ['Status code', e.status_code], ['Source', e.source],
    ['Event', `${e.module}.${e.event}`], ['Created', when(e.created_at)], ['Updated', when(e.updated_at)],
    ['Received by', e.received_by], ['Attempts', e.attempts], ['Next attempt', when(e.next_attempt_at)],
    ['Error', e.error], ['Channels', el('ul', {class: 'channels'}, ...(e.channel || []).map(c => el('li', {}, c)))],
  ];
  $('execution').replaceChildren(...facts.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]));
  rows($('execution-items'), e.items, 8, i => el('tr', {},
    el('td', {}, i.type), el('td', {}, [i.content_type_uid, i.uid].filter(Boolean).join('/')),
    el('td', {}, i.environment), el('td', {}, i.locale), el('td', {}, i.action), el('td', {}, badge(i.status)),
    el('td', {}, i.attempts), el('td', {}, i.error)));
  rows($('execution-notifications'), e.notifications, 6, n => el('tr', {},
    el('td', {}, n.target), el('td', {}, n.webhook_id), el('td', {}, n.items), el('td', {}, badge(n.status)),
    el('td', {}, n.attempts), el('td', {}, n.error)));
}

// --- targets -------------------------------------------------------------------------------------------------------

async function showTargets() {
  const {targets} = await getJson('/targets');
  rows($('targets'), targets, 8, t => {
    const breaker = t.circuit_breaker ? t.circuit_breaker.state : '';
    // a target the configuration disables cannot be enabled here (409)
    const held = t.state === 'gone' || (t.state === 'active' && breaker && breaker !== 'CLOSED');
    const counts = t.notifications || {};
    return el('tr', {'data-testid': `target-${t.name}`},
      el('td', {}, t.name), el('td', {}, t.url), el('td', {title: t.disabled_reason}, badge(t.state)),
      el('td', {}, breaker), el('td', {}, counts.pending), el('td', {}, counts.delivered), el('td', {}, counts.failed),
      el('td', {}, held ? el('button', {type: 'button', 'data-testid': `enable-${t.name}`,
        onclick: event => enable(t.name, event.currentTarget)}, 'Enable') : ''));
  });
}

async function enable(name, button) {
  button.disabled = true;
  try {
    const target = await getJson(`/targets/${encodeURIComponent(name)}/enable`, 'POST');
    notice(`Target ${name} enabled: ${target.state}, breaker ${target.circuit_breaker?.state ?? 'none'}.`);
    await showTargets();
  } catch (error) {
    button.disabled = false;
    showProblem(error);
  }
}

// --- polling and the token -----------------------------------------------------------------------------------------

let timer = null;
let latest = 0;                     // the newest refresh: one still under way when another starts says nothing

async function refresh() {
  clearTimeout(timer);
  const mine = ++latest;
  const results = await Promise.allSettled(
    [showStats(), showDeadLetters(), showExecutions(), showExecution(), showTargets()]);
  if (mine !== latest) return;
  const failure = results.find(r => r.status === 'rejected');
  if (failure) showProblem(failure.reason);
  else $('message').hidden = true;
  timer = setTimeout(refresh, POLL_MS);
}

$('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
$('token-form').addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  refresh();
});
$('token-forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $('token').value = '';
  refresh();
});
$('filters').addEventListener('submit', event => {
  event.preventDefault();
  showExecutions().catch(showProblem);
});
refresh();
