// auth-probe.js: answers a relay's NIP-42 challenge the way a test says, and
// prints the relay's OK as JSON, to show that the test relay checks what it
// should.
//
//   node auth-probe.js ws://127.0.0.1:PORT good|wrong-challenge|wrong-relay|bad-sig|wrong-kind
'use strict';
const WebSocket = require('ws');
const { finalizeEvent, generateSecretKey } = require('nostr-tools/pure');

const [url, mode] = process.argv.slice(2);
const ws = new WebSocket(url);
const timer = setTimeout(() => { console.error('auth-probe: no answer'); process.exit(1); }, 10000);
ws.on('message', (data) => {
  const msg = JSON.parse(data.toString());
  if (msg[0] === 'AUTH') {
    const ev = finalizeEvent({
      kind: mode === 'wrong-kind' ? 1 : 22242,
      created_at: Math.floor(Date.now() / 1000),
      tags: [['relay', mode === 'wrong-relay' ? 'ws://elsewhere.example' : url],
        ['challenge', mode === 'wrong-challenge' ? 'not-' + msg[1] : msg[1]]],
      content: '',
    }, generateSecretKey());
    if (mode === 'bad-sig') ev.sig = (ev.sig[0] === '0' ? '1' : '0') + ev.sig.slice(1);
    ws.send(JSON.stringify(['AUTH', ev]));
  } else if (msg[0] === 'OK') {
    console.log(JSON.stringify(msg));
    clearTimeout(timer);
    ws.close();
  }
});
ws.on('error', (e) => { console.error('auth-probe:', e.message); process.exit(1); });
