// scripted.js: many small relays in one process, each behaving as a test
// says, for nostr-fetch's reach tests (pagination, AUTH, hundreds of relays).
//
//   node scripted.js --config FILE --ready FILE [--log FILE]
//
// FILE is JSON: {"relays": [RELAY, ...]}, where RELAY is
//   {"events": "x.ndjson",   the events it holds (NDJSON, signed)
//    "order": "newest",      the order it sends a page in: newest or oldest first
//    "cap": 500,             the most events it sends for one REQ (default 500)
//    "ignore_limit": false,  true: send up to cap whatever the filter's limit
//    "delay": 0,             ms before it answers each REQ (a slower relay,
//                            so that a test knows which relay answers first)
//    "auth": false,          true: NIP-42, REQs are CLOSED until the client AUTHs;
//                            "refuse": the same, but every AUTH is refused
//    "nip11": {...},         the NIP-11 document served for Accept:
//                            application/nostr+json (none: 404)
//    "silent": false,        true: REQs are logged and never answered
//    "port": 0}              0 picks a free port
// Each relay listens on 127.0.0.1 only.  When all listen, the ready file gets
// their ports, one a line, in the order of the config.  Every REQ, CLOSE and
// AUTH a relay gets goes to the log as one JSON line with the relay's index,
// so a test can check what the client asked.  A page is the newest events
// that match (NIP-01), cut at the cap and the limit, sent in the relay's order.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const http = require('http');
const { WebSocketServer } = require('ws');
const { verifyEvent } = require('nostr-tools/pure');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const config = JSON.parse(fs.readFileSync(arg('--config'), 'utf8'));
const readyFile = arg('--ready', null);
const logFile = arg('--log', null);
const log = (rec) => { if (logFile) fs.appendFileSync(logFile, JSON.stringify(rec) + '\n'); };

function loadEvents(file) {
  if (!file) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => ({ line: l, ev: JSON.parse(l) }))
    // Newest first, ties by id, as the relays of NIP-01 answer.
    .sort((a, b) => b.ev.created_at - a.ev.created_at || (a.ev.id < b.ev.id ? -1 : 1));
}

function matches(f, ev) {
  if (f.ids && !f.ids.includes(ev.id)) return false;
  if (f.authors && !f.authors.includes(ev.pubkey)) return false;
  if (f.kinds && !f.kinds.includes(ev.kind)) return false;
  if (f.since !== undefined && ev.created_at < f.since) return false;
  if (f.until !== undefined && ev.created_at > f.until) return false;
  for (const k of Object.keys(f)) {
    if (k[0] !== '#' || k.length !== 2) continue;
    const want = f[k];
    if (!ev.tags.some((t) => t[0] === k[1] && want.includes(t[1]))) return false;
  }
  return true;
}

// page: the events one REQ gets, in the relay's order.
function page(spec, events, filters) {
  const cap = spec.cap || 500;
  const seen = new Set();
  let out = [];
  for (const f of filters) {
    const limit = spec.ignore_limit || f.limit === undefined ? cap : Math.min(f.limit, cap);
    let n = 0;
    for (const e of events) {
      if (n >= limit) break;
      if (!matches(f, e.ev)) continue;
      n++;
      if (!seen.has(e.ev.id)) { seen.add(e.ev.id); out.push(e); }
    }
  }
  out.sort((a, b) => b.ev.created_at - a.ev.created_at || (a.ev.id < b.ev.id ? -1 : 1));
  if (spec.order === 'oldest') out = out.reverse();
  return out;
}

function authOk(url, challenge, ev) {
  if (!ev || ev.kind !== 22242) return 'invalid: not a kind-22242 event';
  const tag = (n) => (ev.tags.find((t) => t[0] === n) || [])[1];
  if (tag('challenge') !== challenge) return 'invalid: wrong challenge';
  if (tag('relay') !== url && tag('relay') !== url + '/') return 'invalid: wrong relay';
  if (Math.abs(ev.created_at - Date.now() / 1000) > 600) return 'invalid: created_at too far off';
  if (!verifyEvent(ev)) return 'invalid: bad signature';
  return null;
}

function serve(spec, index) {
  const events = loadEvents(spec.events);
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      log({ relay: index, type: 'HTTP', accept: req.headers.accept || '' });
      if (spec.nip11 && /application\/nostr\+json/.test(req.headers.accept || '')) {
        res.writeHead(200, { 'Content-Type': 'application/nostr+json' });
        res.end(JSON.stringify(spec.nip11));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    const wss = new WebSocketServer({ server });
    server.listen(spec.port || 0, '127.0.0.1', () => resolve(server.address().port));
    wss.on('connection', (ws) => {
      const url = `ws://127.0.0.1:${server.address().port}`;
      const challenge = crypto.randomBytes(16).toString('hex');
      let authed = null;
      if (spec.auth) ws.send(JSON.stringify(['AUTH', challenge]));
      ws.on('message', (data) => {
        let msg;
        try { msg = JSON.parse(data.toString()); } catch (e) { return; }
        if (!Array.isArray(msg)) return;
        if (msg[0] === 'REQ') {
          const [, sub, ...filters] = msg;
          log({ relay: index, type: 'REQ', sub, filters, authed });
          if (spec.silent) return;
          if (spec.auth && !authed) {
            ws.send(JSON.stringify(['CLOSED', sub, 'auth-required: this relay wants NIP-42']));
            return;
          }
          const answer = () => {
            if (ws.readyState !== ws.OPEN) return;
            for (const e of page(spec, events, filters))
              ws.send(`["EVENT",${JSON.stringify(sub)},${e.line}]`);
            ws.send(JSON.stringify(['EOSE', sub]));
          };
          if (spec.delay) setTimeout(answer, spec.delay); else answer();
        } else if (msg[0] === 'CLOSE') {
          log({ relay: index, type: 'CLOSE', sub: msg[1] });
        } else if (msg[0] === 'AUTH') {
          const ev = msg[1];
          const why = spec.auth === 'refuse' ? 'restricted: not on the list' :
            authOk(url, challenge, ev);
          log({ relay: index, type: 'AUTH', ok: !why, why, pubkey: ev && ev.pubkey });
          if (!why) authed = ev.pubkey;
          ws.send(JSON.stringify(['OK', ev && ev.id, !why, why || '']));
        }
      });
      ws.on('error', () => {});
    });
  });
}

async function main() {
  const ports = [];
  for (let i = 0; i < config.relays.length; i++) ports.push(await serve(config.relays[i], i));
  if (readyFile) {
    fs.writeFileSync(readyFile + '.tmp', ports.join('\n') + '\n');
    fs.renameSync(readyFile + '.tmp', readyFile);
  }
  const quit = () => process.exit(0);
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
}

main().catch((e) => { console.error(e); process.exit(1); });
