// Times Node's crypto.scrypt with Better Auth's parameters (N=16384, r=16,
// p=1, 64-byte key, maxmem 128 MiB), sequentially, as Better Auth hashes:
// prints "node scrypt: <ms> ms/op". Compare with
// `go test -run X -bench HashPassword .` (bench/run.sh prints both).
//
// usage: node bench/scrypt.mjs [iterations]
import { scrypt } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(scrypt);
const n = Number(process.argv[2] || 20);
const params = { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 };
await run("warm-up", "0123456789abcdef0123456789abcdef", 64, params);
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
	await run("correct horse battery staple", "0123456789abcdef0123456789abcdef", 64, params);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6 / n;
console.log(`node scrypt: ${ms.toFixed(1)} ms/op`);
