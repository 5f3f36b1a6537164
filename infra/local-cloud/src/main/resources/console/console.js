'use strict';
// The local cloud's console. Everything it shows may come from an untrusted event body, so text only ever goes in
// as text nodes (never innerHTML); changes are POSTs with X-Console: 1, which other origins cannot send.

async function api(path, options) {
  const response = await fetch('api/' + path, options);
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.message || ('HTTP ' + response.status));
  }
  return body;
}

const change = path => api(path, {method: 'POST', headers: {'X-Console': '1'}});

function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'class') {
      element.className = value;
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value);
    }
  }
  for (const child of children) {
    element.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  }
  return element;
}

/** A table: headers, then rows of cells (text, a node, or {text, class}); rowAttributes(row index) per row. */
function table(headers, rows, rowAttributes) {
  const body = rows.map((cells, i) => el('tr', rowAttributes ? rowAttributes(i) : {}, ...cells.map(cell =>
    cell && cell.text !== undefined ? el('td', {class: cell.class || ''}, cell.text) : el('td', {}, cell))));
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {}, h)))), el('tbody', {}, ...body));
}

function show(id, ...nodes) {
  document.getElementById(id).replaceChildren(...nodes);
}

function status(message) {
  document.getElementById('status').textContent = message || '';
}

function guarded(action) {
  return async event => {
    if (event) {
      event.preventDefault();
    }
    try {
      status('');
      await action(event);
    } catch (e) {
      status(e.message);
    }
  };
}

function ago(iso) {
  if (!iso) {
    return '';
  }
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 120 ? seconds + ' s ago' : Math.round(seconds / 60) + ' min ago';
}

// --- Queues ---------------------------------------------------------------------------------------------------------

async function loadQueues() {
  const queues = await api('queues');
  queues.sort((a, b) => a.name.localeCompare(b.name));
  const roles = {'consumer': 'a consumer\'s queue', 'dead-letter': 'dead letters of ',
    'failures': 'failures (on-failure destination)'};
  show('queue-list', table(['queue', 'visible', 'in flight', 'age of the events taken last (ms)', 'holds', ''],
    queues.map(queue => [
    queue.name,
    {text: queue.visible, class: 'number visible'},
    {text: queue.inFlight, class: 'number'},
    {text: queue.lastEventAgeMs == null ? '' : queue.lastEventAgeMs, class: 'number'},
    roles[queue.role] + queue.sources.join(', '),
    queue.role === 'consumer' ? '' : el('span', {},
      el('button', {class: 'messages', onclick: guarded(() => loadMessages(queue.name))}, 'Messages'), ' ',
      queue.role === 'dead-letter'
        ? el('button', {class: 'redrive', onclick: guarded(() => redrive(queue.name))}, 'Redrive') : '', ' ',
      el('button', {class: 'purge', onclick: guarded(() => purge(queue.name))}, 'Purge'))
  ]), i => ({'data-queue': queues[i].name, class: queues[i].role !== 'consumer' && queues[i].visible > 0
    ? 'nonempty' : ''})));
}

async function loadMessages(queue) {
  const messages = await api('queues/' + encodeURIComponent(queue) + '/messages');
  const oldest = messages.map(m => m.sent).filter(Boolean).sort()[0];
  show('queue-messages',
    el('h3', {}, queue + ': ' + messages.length + ' shown' + (oldest ? ', oldest sent ' + ago(oldest) : '')),
    table(['event type', 'event id', 'correlation id', 'receives', 'first received', 'body'],
      messages.map(m => [m.eventType, m.eventId, traceLink(m.correlationId), {text: m.receiveCount, class: 'number'},
        m.firstReceived || '', el('pre', {}, m.body)]),
      i => ({'data-message-id': messages[i].messageId})));
}

async function redrive(queue) {
  const answer = await change('queues/' + encodeURIComponent(queue) + '/redrive');
  status('redrive started: ' + answer.task);
  show('queue-messages');
  await loadQueues();
}

async function purge(queue) {
  if (!window.confirm('Delete every message of ' + queue + '?')) {
    return;
  }
  await change('queues/' + encodeURIComponent(queue) + '/purge');
  status('purged ' + queue);
  show('queue-messages');
  await loadQueues();
}

// --- Functions ------------------------------------------------------------------------------------------------------

async function loadFunctions() {
  const functions = await api('functions');
  show('function-list', table(['function', 'invocations', 'errors', 'environments started', 'init ms (median)',
    'now', ''], functions.map(f => {
    const init = [...f.initDurationsMs].sort((a, b) => a - b);
    return [f.name, {text: f.invocations, class: 'number'}, {text: f.errors, class: 'number'},
      {text: init.length, class: 'number'}, {text: init.length ? init[Math.floor(init.length / 2)] : '', class: 'number'},
      f.state.substring(f.state.indexOf(':') + 2),
      el('button', {onclick: guarded(() => loadLogs(f.name, ''))}, 'Logs')];
  }), i => ({'data-function': functions[i].name})));
}

async function loadLogs(name, correlationId) {
  const lines = await api('functions/' + encodeURIComponent(name) + '/logs?correlationId='
    + encodeURIComponent(correlationId));
  const filter = el('input', {placeholder: 'correlation id', size: '40', value: correlationId});
  show('function-logs', el('h3', {}, name + ': latest log lines'),
    el('form', {onsubmit: guarded(() => loadLogs(name, filter.value.trim()))}, filter, ' ', el('button', {}, 'Filter')),
    el('pre', {class: 'log'}, lines.join('\n')));
}

// --- Bus ------------------------------------------------------------------------------------------------------------

async function loadBus() {
  const entries = await api('bus');
  show('bus-list', table(['time', 'detail type', 'source', 'event id', 'correlation id', 'rules matched'],
    entries.map(e => [e.time, e.detailType, e.source, e.eventId, traceLink(e.correlationId), e.rules.join(', ')])));
}

async function replay(event) {
  const form = new FormData(event.target);
  const query = new URLSearchParams({bus: form.get('bus'), from: form.get('from'), to: form.get('to')});
  const answer = await change('bus/replay?' + query);
  status('replay started: ' + answer.replay);
}

// --- Trace ----------------------------------------------------------------------------------------------------------

function traceLink(correlationId) {
  if (!correlationId) {
    return '';
  }
  return el('a', {href: '#trace', onclick: guarded(() => openTrace(correlationId))}, correlationId);
}

async function openTrace(correlationId) {
  selectTab('trace');
  document.getElementById('trace-id').value = correlationId;
  await loadTrace(correlationId);
}

async function loadTrace(correlationId) {
  const chain = await api('trace/' + encodeURIComponent(correlationId));
  const depth = {};
  for (const event of chain) {
    depth[event.eventId] = event.causationId && depth[event.causationId] !== undefined ? depth[event.causationId] + 1 : 0;
  }
  show('trace-result', chain.length === 0 ? el('p', {}, 'No event carries this correlation id.')
    : table(['+ms', 'event', 'service', 'aggregate', 'actor', 'event id', 'caused by'], chain.map(e => [
      {text: '+' + e.afterFirstMs, class: 'number'},
      el('span', {class: 'event'}, el('span', {class: 'indent'}, depth[e.eventId] === 0 ? ''
        : '\u00a0\u00a0'.repeat(depth[e.eventId] - 1) + '\u2514 '), e.eventType),
      e.source, e.aggregate, e.actor, e.eventId, e.causationId || '']),
    i => ({'data-event-type': chain[i].eventType})));
}

// --- Tables ---------------------------------------------------------------------------------------------------------

async function loadTableNames() {
  const names = await api('tables');
  show('table-name', ...names.map(name => el('option', {value: name}, name)));
}

async function browse(event) {
  const form = new FormData(event.target);
  const items = await api('tables/' + encodeURIComponent(form.get('table')) + '?prefix='
    + encodeURIComponent(form.get('prefix')));
  const columns = [...new Set(items.flatMap(item => Object.keys(item)))];
  columns.sort((a, b) => (a === 'pk' ? -2 : a === 'sk' ? -1 : 0) - (b === 'pk' ? -2 : b === 'sk' ? -1 : 0)
    || a.localeCompare(b));
  show('table-items', el('p', {}, items.length + ' items (at most 50)'),
    table(columns, items.map(item => columns.map(c => el('pre', {}, item[c] === undefined ? '' : item[c])))));
}

// --- Metrics --------------------------------------------------------------------------------------------------------

async function loadMetrics() {
  const series = await api('metrics');
  show('metric-charts', ...(series.length === 0 ? [el('p', {}, 'No function has written a metric yet.')]
    : series.map(chart)));
}

function chart(series) {
  const width = 260, height = 80, svg = 'http://www.w3.org/2000/svg';
  const points = series.points;
  const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
  const minX = Math.min(...xs), maxX = Math.max(...xs), maxY = Math.max(...ys), scale = Math.max(maxY, 1);
  const at = p => [maxX === minX ? width / 2 : (p[0] - minX) / (maxX - minX) * (width - 10) + 5,
    height - 5 - p[1] / scale * (height - 20)];
  // One minute so far is a dot; more are a line.
  const mark = document.createElementNS(svg, points.length === 1 ? 'circle' : 'polyline');
  if (points.length === 1) {
    const [x, y] = at(points[0]);
    mark.setAttribute('cx', x.toFixed(1));
    mark.setAttribute('cy', y.toFixed(1));
    mark.setAttribute('r', '3');
  } else {
    mark.setAttribute('points', points.map(p => at(p).map(v => v.toFixed(1)).join(',')).join(' '));
  }
  const label = document.createElementNS(svg, 'text');
  label.setAttribute('x', '5');
  label.setAttribute('y', '10');
  label.textContent = 'max ' + maxY + ', last ' + ys[ys.length - 1] + ' (' + points.length + ' min)';
  const picture = document.createElementNS(svg, 'svg');
  picture.setAttribute('width', width);
  picture.setAttribute('height', height);
  picture.append(label, mark);
  return el('div', {class: 'chart'}, el('h3', {}, series.name), picture);
}

// --- Tabs -----------------------------------------------------------------------------------------------------------

const loaders = {queues: loadQueues, functions: loadFunctions, bus: loadBus, trace: async () => {},
  tables: loadTableNames, metrics: loadMetrics};
let current = 'queues';

function selectTab(name) {
  current = name;
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.tab === name));
  document.querySelectorAll('.tab').forEach(t => t.classList.toggle('active', t.id === name));
}

document.querySelectorAll('#tabs button').forEach(button => button.addEventListener('click', guarded(async () => {
  selectTab(button.dataset.tab);
  await loaders[button.dataset.tab]();
})));
document.getElementById('trace-form').addEventListener('submit', guarded(() =>
  loadTrace(document.getElementById('trace-id').value.trim())));
document.getElementById('replay-form').addEventListener('submit', guarded(replay));
document.getElementById('table-form').addEventListener('submit', guarded(browse));

// The queues and the bus are live: a DLQ draining, events arriving.
const live = {queues: loadQueues, bus: loadBus};
guarded(loadQueues)();
setInterval(() => {
  if (live[current]) {
    guarded(live[current])();
  }
}, 2000);
