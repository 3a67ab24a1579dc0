// publish-paced.js: sends the signed events of a file (NDJSON) to a relay at
// a fixed rate, for bench/latency.sh, and prints "ID UNIXTIME" for each
// event as it goes out (fractional seconds, the wall clock latency-poll
// stamps with).  Exits 0 once every event was sent and acknowledged with an
// OK, 1 on an error or when the relay has not answered within 30 s.
//
//   node bench/publish-paced.js ws://127.0.0.1:PORT EVENTS.ndjson PER_SECOND
'use strict';
const path = require('path');
const fs = require('fs');
// ws comes with the test relay's packages (tests/relay, npm ci).
const WebSocket = require(path.join(__dirname, '..', 'tests', 'relay', 'node_modules', 'ws'));

const [url, file, rateArg] = process.argv.slice(2);
const rate = Number(rateArg || 100);
if (!url || !file || !(rate > 0)) {
  console.error('usage: publish-paced.js URL EVENTS.ndjson PER_SECOND');
  process.exit(2);
}
const events = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const pending = new Set(events.map((e) => e.id));
const ws = new WebSocket(url);
const wall = () => (performance.timeOrigin + performance.now()) / 1000;
const timer = setTimeout(() => {
  console.error(`publish-paced: ${pending.size} events not acknowledged`);
  process.exit(1);
}, 30000 + (events.length / rate) * 1000);

ws.on('error', (e) => { console.error(`publish-paced: ${e.message}`); process.exit(1); });
ws.on('message', (data) => {
  const m = JSON.parse(data);
  if (m[0] !== 'OK') return;
  if (!m[2]) console.error(`publish-paced: refused ${m[1]}: ${m[3]}`);
  pending.delete(m[1]);
  if (pending.size === 0) {
    clearTimeout(timer);
    ws.close();
    process.exit(0);
  }
});
ws.on('open', () => {
  // Each event goes out at its own slot (start + i / rate), not 10 ms after
  // the previous send, so timer lateness does not slow the rate down.
  const start = performance.now();
  let i = 0;
  const tick = () => {
    while (i < events.length && performance.now() >= start + (i * 1000) / rate) {
      const ev = events[i++];
      ws.send(JSON.stringify(['EVENT', ev]));
      process.stdout.write(`${ev.id} ${wall().toFixed(6)}\n`);
    }
    if (i < events.length)
      setTimeout(tick, Math.max(0, start + (i * 1000) / rate - performance.now()));
  };
  tick();
});
