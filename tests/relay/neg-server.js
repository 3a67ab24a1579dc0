// neg-server.js: what scripted.js does to a client's NEG-MSG before
// nostr-tools' Negentropy reads it as the server (see asServer), in a module
// of its own so that negentropy-vectors.mjs prints vectors of the very same
// code.  nip77 is nostr-tools' lib/esm/nip77.js, imported by the caller.
'use strict';

// fingerprintOf: nostr-tools' fingerprint of a list of 32-byte ids.
function fingerprintOf(nip77, ids) {
  const st = new nip77.NegentropyStorageVector();
  for (let i = 0; i < ids.length; i += 32) st.insert(0, ids.subarray(i, i + 32).toString('hex'));
  st.seal();
  return Buffer.from(st.fingerprint(0, st.size()));
}

// asServer: nostr-tools' reconcile() settles a client's IdList range itself
// (through its callbacks) instead of answering with its own ids, which
// leaves a client without what it lacks.  So each IdList range of the
// client's message is turned into the Fingerprint range of the same ids
// before nostr-tools reads it: where the sets differ it answers with its
// own ids (or buckets), as a server must.  The bounds are kept byte for byte.
function asServer(nip77, hex) {
  const b = Buffer.from(hex, 'hex');
  if (b.length === 0 || b[0] !== 0x61) return hex;
  const out = [b.subarray(0, 1)];
  let p = 1;
  const varint = () => {
    let v = 0;
    for (;;) {
      if (p >= b.length) throw Error('truncated varint');
      const c = b[p++];
      v = v * 128 + (c & 127);
      if (!(c & 128)) return v;
    }
  };
  while (p < b.length) {
    const start = p;
    varint();
    const len = varint();
    p += len;
    const boundEnd = p;
    const mode = varint();
    if (mode === 0) {
      out.push(b.subarray(start, p));
    } else if (mode === 1) {
      p += 16;
      out.push(b.subarray(start, p));
    } else if (mode === 2) {
      const n = varint();
      if (p + 32 * n > b.length) throw Error('truncated id list');
      const ids = b.subarray(p, p + 32 * n);
      p += 32 * n;
      out.push(b.subarray(start, boundEnd), Buffer.from([1]), fingerprintOf(nip77, ids));
    } else {
      throw Error('unexpected mode');
    }
  }
  return Buffer.concat(out).toString('hex');
}

module.exports = { asServer, fingerprintOf };
