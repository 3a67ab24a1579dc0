// relay.js: a real Nostr relay (@nostr-relay/core with the SQLite repository)
// for the nostr-fetch tests, on 127.0.0.1 only.
//
//   node relay.js [--port N] [--db FILE] [--ready FILE]
//
// Port 0 (the default) picks a free one.  When listening it writes the port to
// the ready file (and stdout), so a test can wait for it.  A REQ gets at most
// 1000 results (the repository's cap), as public relays cap theirs.
'use strict';
const { NostrRelay } = require('@nostr-relay/core');
const { EventRepositorySqlite } = require('@nostr-relay/event-repository-sqlite');
const { Validator } = require('@nostr-relay/validator');
const { WebSocketServer } = require('ws');
const http = require('http');
const fs = require('fs');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function main() {
  const port = Number(arg('--port', '0'));
  const db = arg('--db', ':memory:');
  const ready = arg('--ready', null);
  // defaultLimit 1000 makes a REQ without limit return up to 1000, and the
  // repository caps any limit at 10x that; cap it at 1000 like the NIP-11
  // max_limit below says.
  const repo = new EventRepositorySqlite(db, { defaultLimit: 1000 });
  await repo.init();
  repo.maxLimit = 1000;
  // filterResultCacheTtl 0: a test that asks again at once must see new events.
  const relay = new NostrRelay(repo, { filterResultCacheTtl: 0, logLevel: 3 });
  const validator = new Validator();

  const server = http.createServer((req, res) => {
    // NIP-11: the information document for Accept: application/nostr+json.
    if ((req.headers.accept || '').includes('application/nostr+json')) {
      res.writeHead(200, { 'Content-Type': 'application/nostr+json' });
      res.end(JSON.stringify({
        name: 'np-test-relay', description: 'nostr-pipeline test relay',
        software: '@nostr-relay/core', version: '0.0.40', supported_nips: [1, 11],
        limitation: { max_limit: 1000 },
      }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    relay.handleConnection(ws);
    ws.on('message', async (data) => {
      try {
        const message = await validator.validateIncomingMessage(data);
        await relay.handleMessage(ws, message);
      } catch (error) {
        if (error instanceof Error) ws.send(JSON.stringify(['NOTICE', error.message]));
      }
    });
    ws.on('close', () => relay.handleDisconnect(ws));
    ws.on('error', () => {});
  });
  server.listen(port, '127.0.0.1', () => {
    const p = server.address().port;
    if (ready) {
      fs.writeFileSync(ready + '.tmp', String(p) + '\n');
      fs.renameSync(ready + '.tmp', ready);
    }
    console.log(p);
  });
  const quit = () => { server.close(); process.exit(0); };
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
}

main().catch((e) => { console.error(e); process.exit(1); });
