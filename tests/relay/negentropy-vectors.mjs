// negentropy-vectors.mjs: prints the NIP-77 (negentropy v1) test vectors that
// tests/unit/test_negentropy.c holds as constants, computed by nostr-tools'
// own Negentropy, so the C module is checked byte for byte against it.
// Run once by hand (node tests/relay/negentropy-vectors.mjs); the unit test
// does not need node.
//
// nostr-tools' varint coder works on 32-bit integers, so the vectors of 2^32
// and 2^53-1 come from a BigInt coder written here after the protocol text,
// and are marked "spec" in the output.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const nip77 = await import(path.join(here, 'node_modules/nostr-tools/lib/esm/nip77.js'));
const { Negentropy, NegentropyStorageVector } = nip77;
// scripted.js's rewriting of a client's IdLists (see neg-server.js).
const { asServer } = createRequire(import.meta.url)('./neg-server.js');

const hex = (u8) => Buffer.from(u8).toString('hex');

// id(i): a fixed, well-spread 32-byte id for item i.
const id = (i) => createHash('sha256').update('negentropy vector ' + i).digest('hex');
// ts(i): three items per second, so bounds need id prefixes.
const ts = (i) => 1700000000 + Math.floor(i / 3);

function storage(pick) {
	const s = new NegentropyStorageVector();
	for (let i = 0; i < 700; i++)
		if (pick(i))
			s.insert(ts(i), id(i));
	s.seal();
	return s;
}

function specVarint(n) {
	n = BigInt(n);
	const digits = [];
	do {
		digits.unshift(Number(n & 127n));
		n >>= 7n;
	} while (n > 0n);
	for (let i = 0; i < digits.length - 1; i++)
		digits[i] |= 128;
	return Buffer.from(digits).toString('hex');
}

const probe = new Negentropy(new NegentropyStorageVector());
// varint(v) through the module: a timestamp t is written as varint(t - last + 1).
function npmVarint(v) {
	probe.lastTimestampOut = 0;
	return hex(probe.encodeTimestampOut(v === 0 ? Number.MAX_VALUE : v - 1).unwrap());
}
for (const v of [0, 127, 128, 16383, 16384])
	console.log(`varint ${v} ${npmVarint(v)}`);
console.log(`varint 4294967296 ${specVarint(2n ** 32n)} spec`);
console.log(`varint 9007199254740991 ${specVarint(2n ** 53n - 1n)} spec`);

// Bounds, one message's worth: the timestamp delta runs across them.
probe.lastTimestampOut = 0;
const bounds = [
	[1700000000, ''],
	[1700000005, 'ab'],
	[1700000005, 'abcd'],
	[1700000300, id(1)],
	[Number.MAX_VALUE, ''],
];
for (const [t, p] of bounds) {
	const enc = hex(probe.encodeBound({ timestamp: t, id: Buffer.from(p, 'hex') }).unwrap());
	console.log(`bound ${t === Number.MAX_VALUE ? 'inf' : t} ${p || '-'} ${enc}`);
}

// Fingerprints.
const few = storage((i) => i < 5);
console.log(`fingerprint 0 ${hex(few.fingerprint(0, 0))}`);
console.log(`fingerprint 1 ${hex(few.fingerprint(0, 1))}`);
console.log(`fingerprint 5 ${hex(few.fingerprint(0, 5))}`);

// A small set: its initial message is one IdList.
const small = storage((i) => i < 10);
const smallInit = new Negentropy(small).initiate();
console.log(`initiate-small ${smallInit}`);

// scripted.js as a server: that IdList turned into the Fingerprint of its
// ids, and nostr-tools' answer to it from a set without item 4 and with
// items 10 and 11 (its own ids, as the fingerprints differ).
const asFp = asServer(nip77, smallInit);
console.log(`idlist-as-fingerprint ${asFp}`);
console.log(`idlist-server-reply ${new Negentropy(storage((i) => i < 12 && i !== 4)).reconcile(asFp)}`);

// A reconciliation: the client lacks every 97th item, the server every 89th
// and items 650.. . Messages: the client's first, the server's reply, and the
// client's answer to that with its have and need ids.
const client = storage((i) => i % 97 !== 5 && i < 690);
const server = storage((i) => i % 89 !== 3 && i < 650);
const c = new Negentropy(client);
const s = new Negentropy(server);
const m1 = c.initiate();
const m2 = s.reconcile(m1);
const have = [], need = [];
const m3 = c.reconcile(m2, (x) => have.push(x), (x) => need.push(x));
console.log(`client-init ${m1}`);
console.log(`server-reply ${m2}`);
console.log(`client-next ${m3}`);
console.log(`client-have ${have.sort().join(',') || '-'}`);
console.log(`client-need ${need.sort().join(',') || '-'}`);
