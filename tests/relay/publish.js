// publish.js: sends the signed events on standard input (NDJSON) to a relay
// and waits for every OK.  Exits 1 when the relay refused one or did not
// answer in time.
//
//   node publish.js ws://127.0.0.1:PORT < events.ndjson
'use strict';
const WebSocket = require('ws');
const readline = require('readline');

const url = process.argv[2];
const events = [];
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (l) => { if (l.trim()) events.push(JSON.parse(l)); });
rl.on('close', () => {
  if (events.length === 0) process.exit(0);
  const ws = new WebSocket(url);
  const pending = new Set(events.map((e) => e.id));
  let refused = 0;
  const timer = setTimeout(() => {
    console.error(`publish: ${pending.size} events not acknowledged`);
    process.exit(1);
  }, 120000);
  ws.on('open', () => {
    // A window of outstanding events keeps the relay busy without flooding it.
    let next = 0;
    const window = 200;
    const pump = () => {
      while (next < events.length && next - (events.length - pending.size) < window)
        ws.send(JSON.stringify(['EVENT', events[next++]]));
    };
    ws.on('message', (data) => {
      const m = JSON.parse(data);
      if (m[0] !== 'OK') return;
      if (!m[2]) { refused++; console.error(`publish: refused ${m[1]}: ${m[3]}`); }
      pending.delete(m[1]);
      if (pending.size === 0) {
        clearTimeout(timer);
        ws.close();
        process.exit(refused ? 1 : 0);
      }
      pump();
    });
    pump();
  });
  ws.on('error', (e) => { console.error(`publish: ${e.message}`); process.exit(1); });
});
