// hostile.js: a relay that misbehaves on purpose, for nostr-fetch's tests.
// It speaks WebSocket itself (raw TCP) so that it can break the protocol.
//
//   node hostile.js --mode MODE [--events FILE] [--nip11 DOC] [--port N] [--ready FILE]
//
// Every mode answers the first REQ of a connection as described in MODES;
// EVENT messages carry the lines of FILE (NDJSON events) with the client's
// subscription id.  A plain HTTP request (no upgrade) gets the NIP-11
// document DOC of NIP11_DOCS, or 404 without --nip11.  Listens on 127.0.0.1
// only; the port goes to the ready file.
'use strict';
const net = require('net');
const crypto = require('crypto');
const fs = require('fs');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const mode = arg('--mode', 'garbage');
const events = arg('--events', null) ?
  fs.readFileSync(arg('--events'), 'utf8').split('\n').filter((l) => l.trim()) : [];
let connections = 0;

// NIP-11 documents, as bytes: one a relay may well send (pretty-printed), and
// ones it should not (Latin-1 text, which is not UTF-8; an HTML page).
const NIP11_DOCS = {
  pretty: Buffer.from('{\n  "name": "hostile relay",\n  "supported_nips": [ 1, 11 ],\n' +
    '  "limitation": { "max_limit": 500 }\n}\n', 'utf8'),
  latin1: Buffer.from('{"name":"Gr\u00fc\u00dfe","supported_nips":[1]}', 'latin1'),
  html: Buffer.from('<html><body>relay</body></html>', 'utf8'),
};
const nip11 = NIP11_DOCS[arg('--nip11', '')] || null;

function frame(opcode, payload, { fin = true, mask = false, rsv = 0 } = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  let head;
  if (data.length < 126) {
    head = Buffer.from([(fin ? 0x80 : 0) | rsv | opcode, (mask ? 0x80 : 0) | data.length]);
  } else if (data.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = (fin ? 0x80 : 0) | rsv | opcode;
    head[1] = (mask ? 0x80 : 0) | 126;
    head.writeUInt16BE(data.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = (fin ? 0x80 : 0) | rsv | opcode;
    head[1] = (mask ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!mask) return Buffer.concat([head, data]);
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(data.map((b, i) => b ^ key[i & 3]));
  return Buffer.concat([head, key, masked]);
}
const text = (s, o) => frame(0x1, s, o);
const eventMsg = (sub, line) => `["EVENT",${JSON.stringify(sub)},${line}]`;

// The client's frames: masked, possibly several per chunk.
function parseClientFrames(state, chunk, onMessage) {
  state.buf = Buffer.concat([state.buf, chunk]);
  for (;;) {
    const b = state.buf;
    if (b.length < 2) return;
    let len = b[1] & 0x7f, off = 2;
    if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); off = 10; }
    if (!(b[1] & 0x80)) state.unmasked = true;
    if (b.length < off + 4 + len) return;
    const key = b.subarray(off, off + 4);
    const data = Buffer.from(b.subarray(off + 4, off + 4 + len).map((x, i) => x ^ key[i & 3]));
    state.buf = b.subarray(off + 4 + len);
    onMessage(b[0] & 0x0f, data);
  }
}

const MODES = {
  // Garbage between good events; the connection goes on; EOSE at the end.
  garbage(sock, sub) {
    const half = Math.floor(events.length / 2);
    const out = [];
    events.slice(0, half).forEach((l) => out.push(text(eventMsg(sub, l))));
    out.push(frame(0x1, Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d])));   // bad UTF-8
    out.push(text('this is not JSON'));
    out.push(text('{"an":"object, not an array"}'));
    out.push(text(`["EVENT",${JSON.stringify(sub)},{"id":"nothex","kind":1}]`));
    out.push(text(`["EVENT",${JSON.stringify(sub)},{"id":`));                  // truncated
    out.push(text(eventMsg('never-asked', events[0] || '{}')));
    out.push(frame(0x2, Buffer.from([0, 1, 2, 3])));                           // binary
    out.push(text('["NOTICE","slow down\\u0007 please"]'));
    out.push(text('["AUTH","challenge-123"]'));
    out.push(text('["COUNT","x",{"count":3}]'));
    out.push(text('["OK","' + '0'.repeat(64) + '",true,""]'));
    out.push(frame(0x9, 'are you there'));                                      // ping
    events.slice(half).forEach((l) => out.push(text(eventMsg(sub, l))));
    out.push(text(`["EOSE",${JSON.stringify(sub)}]`));
    sock.write(Buffer.concat(out));
  },
  // Every event split into three fragments with a ping between; EOSE only
  // once the pong came back with the ping's payload.
  fragments(sock, sub, state) {
    for (const l of events) {
      const m = Buffer.from(eventMsg(sub, l), 'utf8');
      const a = Math.floor(m.length / 3), b = Math.floor(2 * m.length / 3);
      sock.write(Buffer.concat([
        frame(0x1, m.subarray(0, a), { fin: false }),
        frame(0x9, 'ping-between'),
        frame(0x0, m.subarray(a, b), { fin: false }),
        frame(0x0, m.subarray(b), { fin: true }),
      ]));
    }
    state.onPong = (data) => {
      if (data.toString() === 'ping-between' && !state.eoseSent) {
        state.eoseSent = true;
        sock.write(text(`["EOSE",${JSON.stringify(sub)}]`));
      }
    };
  },
  // A frame announcing 100 MiB: must be refused from the header.
  oversized(sock, sub) {
    events.forEach((l) => sock.write(text(eventMsg(sub, l))));
    const head = Buffer.alloc(10);
    head[0] = 0x81; head[1] = 127;
    head.writeBigUInt64BE(BigInt(100 * 1024 * 1024), 2);
    sock.write(head);
    sock.write(Buffer.alloc(1000, 0x61));
  },
  // Frames that break RFC 6455: a masked frame from the server.
  masked(sock, sub) {
    events.forEach((l) => sock.write(text(eventMsg(sub, l))));
    sock.write(text('["NOTICE","masked"]', { mask: true }));
  },
  // Reserved bits set without an extension.
  reserved(sock, sub) {
    events.forEach((l) => sock.write(text(eventMsg(sub, l))));
    sock.write(text('["NOTICE","rsv"]', { rsv: 0x40 }));
  },
  // First connection: half the events, then the TCP connection is cut in the
  // middle of a frame.  Later connections: everything, then EOSE.
  disconnect(sock, sub, state) {
    if (state.n === 1) {
      const half = Math.floor(events.length / 2);
      events.slice(0, half).forEach((l) => sock.write(text(eventMsg(sub, l))));
      const last = text(eventMsg(sub, events[half]));
      sock.write(last.subarray(0, Math.floor(last.length / 2)));
      setTimeout(() => sock.destroy(), 50);
      return;
    }
    events.forEach((l) => sock.write(text(eventMsg(sub, l))));
    sock.write(text(`["EOSE",${JSON.stringify(sub)}]`));
  },
  // Handshake done, REQ received, then nothing at all.
  mute() {},
  // The subscription is refused (NIP-42 auth required).
  closed(sock, sub) {
    sock.write(text('["AUTH","challenge-456"]'));
    sock.write(text(`["CLOSED",${JSON.stringify(sub)},"auth-required: we only serve members"]`));
  },
  // A close frame with a reason, sent by the relay.
  goaway(sock, sub) {
    events.forEach((l) => sock.write(text(eventMsg(sub, l))));
    const p = Buffer.concat([Buffer.from([0x03, 0xe9]), Buffer.from('maintenance')]);
    sock.write(frame(0x8, p));
  },
};

const server = net.createServer((sock) => {
  const state = { buf: Buffer.alloc(0), n: ++connections, head: '' };
  sock.on('error', () => {});
  if (mode === 'silent') return;   // never answers the handshake
  let upgraded = false;
  sock.on('data', (chunk) => {
    if (!upgraded) {
      state.head += chunk.toString('latin1');
      const end = state.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const key = /Sec-WebSocket-Key: *([^\r\n]+)/i.exec(state.head);
      if (!key) {
        sock.end(nip11 ? Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n' +
          'Content-Type: application/nostr+json\r\nContent-Length: ' + nip11.length +
          '\r\nConnection: close\r\n\r\n', 'latin1'), nip11]) :
          'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      if (mode === 'http404') {
        sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      let accept = crypto.createHash('sha1')
        .update(key[1].trim() + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (mode === 'badaccept') accept = 'x' + accept.slice(1);
      sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n' +
        `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      upgraded = true;
      const rest = Buffer.from(state.head.slice(end + 4), 'latin1');
      state.head = '';
      if (rest.length === 0) return;
      chunk = rest;
    }
    parseClientFrames(state, chunk, (op, data) => {
      if (op === 0x8) { sock.end(frame(0x8, data.subarray(0, 2))); return; }
      if (op === 0xa) { if (state.onPong) state.onPong(data); return; }
      if (op !== 0x1) return;
      let msg;
      try { msg = JSON.parse(data.toString('utf8')); } catch (e) { return; }
      if (msg[0] === 'REQ' && !state.subscribed) {
        state.subscribed = true;
        if (state.unmasked) { sock.destroy(); return; }   // clients must mask
        MODES[mode](sock, msg[1], state);
      }
    });
  });
});
server.listen(Number(arg('--port', '0')), '127.0.0.1', () => {
  const p = server.address().port;
  const ready = arg('--ready', null);
  if (ready) {
    fs.writeFileSync(ready + '.tmp', String(p) + '\n');
    fs.renameSync(ready + '.tmp', ready);
  }
  console.log(p);
});
process.on('SIGTERM', () => process.exit(0));
