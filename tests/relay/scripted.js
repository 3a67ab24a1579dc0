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
//    "negentropy": false,    NIP-77: true answers NEG-OPEN and NEG-MSG with
//                            nostr-tools' Negentropy; "err": NEG-ERR; "closed":
//                            CLOSED; "unknown": a NOTICE that it does not know
//                            the message; "silent": no answer; "garbage" and
//                            "badhex": a malformed NEG-MSG (a truncated varint,
//                            a payload that is not hex); "garbage_late": a true
//                            first answer, then a malformed one; false (the
//                            default): NEG-* are ignored, as by an old relay
//    "neg_drop": 0,          N > 0: the first connection is cut, unanswered,
//                            when the relay gets its Nth NEG-MSG (once only)
//    "short_batches": 0,     N > 0: the first N REQs with ids get only every
//                            other event they ask for (an early EOSE)
//    "withhold": [],         ids it reconciles but never sends to a REQ
//    "port": 0}              0 picks a free port
// Each relay listens on 127.0.0.1 only.  When all listen, the ready file gets
// their ports, one a line, in the order of the config.  Every REQ, CLOSE and
// AUTH a relay gets goes to the log as one JSON line with the relay's index,
// so a test can check what the client asked (NEG-OPEN, NEG-MSG and NEG-CLOSE
// too, with the bytes of each message, and NEG-REPLY for each NEG-MSG or
// NEG-ERR it sends, with its bytes).  A page is the newest events
// that match (NIP-01), cut at the cap and the limit, sent in the relay's order.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const http = require('http');
const { WebSocketServer } = require('ws');
const { verifyEvent } = require('nostr-tools/pure');
const { asServer } = require('./neg-server.js');

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
  if (f.ids && !(f._ids || (f._ids = new Set(f.ids))).has(ev.id)) return false;
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
  const seen = new Set(spec.withhold || []);
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

// nostr-tools' Negentropy (lib/esm/nip77.js, not in the package's exports).
let nip77 = null;
async function loadNip77() {
  const path = require('path');
  nip77 = await import(path.join(__dirname, 'node_modules/nostr-tools/lib/esm/nip77.js'));
}

// negOpen: a server for one NEG-OPEN: the events of the filter, sealed.
function negOpen(events, filter) {
  const st = new nip77.NegentropyStorageVector();
  for (const e of events) if (matches(filter, e.ev)) st.insert(e.ev.created_at, e.ev.id);
  st.seal();
  return new nip77.Negentropy(st, 60000);
}

function negAnswer(spec, ws, sessions, events, msg) {
  const [type, sub] = msg;
  const mode = spec.negentropy;
  const send = (m) => {
    const text = JSON.stringify(m);
    log({ relay: spec.index, type: 'NEG-REPLY', sub, bytes: Buffer.byteLength(text) });
    ws.send(text);
  };
  if (type === 'NEG-CLOSE') { sessions.delete(sub); return; }
  if (!mode || mode === 'silent') return;
  if (mode === 'err') return send(['NEG-ERR', sub, 'blocked: negentropy disabled']);
  if (mode === 'closed') return send(['CLOSED', sub, 'error: no negentropy here']);
  if (mode === 'unknown') return send(['NOTICE', `ERROR: bad msg: unknown cmd ${type}`]);
  if (mode === 'garbage') return send(['NEG-MSG', sub, '61ffffff']);
  if (mode === 'badhex') return send(['NEG-MSG', sub, '61zz']);
  let s = sessions.get(sub);
  if (type === 'NEG-OPEN') {
    s = { neg: negOpen(events, msg[2] || {}), rounds: 0 };
    sessions.set(sub, s);
  } else if (!s) {
    return send(['NEG-ERR', sub, 'closed: no such negentropy subscription']);
  }
  s.rounds++;
  if (mode === 'garbage_late' && s.rounds > 1) return send(['NEG-MSG', sub, '6100']);
  try {
    const reply = s.neg.reconcile(asServer(nip77, type === 'NEG-OPEN' ? msg[3] : msg[2]));
    send(['NEG-MSG', sub, reply || '61']);
  } catch (e) {
    sessions.delete(sub);
    send(['NEG-ERR', sub, 'error: ' + e.message]);
  }
}

function serve(spec, index) {
  const events = loadEvents(spec.events);
  spec.index = index;
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
      const sessions = new Map();
      let negMsgs = 0;
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
          let short = false;
          if (filters.some((f) => f.ids) && spec.short_batches > (spec.shortened || 0)) {
            spec.shortened = (spec.shortened || 0) + 1;
            short = true;
          }
          const answer = () => {
            if (ws.readyState !== ws.OPEN) return;
            let i = 0;
            for (const e of page(spec, events, filters))
              if (!short || i++ % 2 === 0) ws.send(`["EVENT",${JSON.stringify(sub)},${e.line}]`);
            ws.send(JSON.stringify(['EOSE', sub]));
          };
          if (spec.delay) setTimeout(answer, spec.delay); else answer();
        } else if (/^NEG-(OPEN|MSG|CLOSE)$/.test(msg[0])) {
          log({ relay: index, type: msg[0], sub: msg[1], bytes: data.length,
            filter: msg[0] === 'NEG-OPEN' ? msg[2] : undefined });
          if (msg[0] === 'NEG-MSG' && spec.neg_drop && !spec.dropped &&
              ++negMsgs >= spec.neg_drop) {
            spec.dropped = true;
            log({ relay: index, type: 'DROP' });
            ws.terminate();
            return;
          }
          negAnswer(spec, ws, sessions, events, msg);
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
  await loadNip77();
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
