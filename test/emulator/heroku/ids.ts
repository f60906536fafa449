// Identifiers, timestamps and the random-but-plausible names Heroku hands out.
import { randomBytes, randomInt } from "node:crypto";

let lastMs = 0;
let seq = 0;

/**
 * A uuid whose first 48 bits are a millisecond clock plus a counter (as uuidv7), so ids sort in
 * creation order and `Range: id ]<last>..` pagination is stable.
 */
export function newId(): string {
  const now = Date.now();
  if (now <= lastMs) {
    seq += 1;
    // The counter has 12 bits; borrow the next millisecond rather than wrap out of order.
    if (seq >= 4096) {
      lastMs += 1;
      seq = 0;
    }
  } else {
    lastMs = now;
    seq = 0;
  }
  const time = (lastMs * 4096 + seq).toString(16).padStart(15, "0").slice(-15);
  const r = randomBytes(8).toString("hex");
  const variant = ((parseInt(r[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${time.slice(12, 15)}-${variant}${r.slice(1, 4)}-${r.slice(4, 16)}`;
}

/** Heroku timestamps: ISO 8601 with seconds precision, `Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Logplex timestamps: microseconds and an explicit offset. */
export function logTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export function digits(n: number): string {
  return String(randomInt(10 ** (n - 1), 10 ** n));
}

const ADJECTIVES = [
  "aqueous",
  "calm",
  "damp",
  "fathomless",
  "gentle",
  "glacial",
  "limitless",
  "mighty",
  "polar",
  "quiet",
  "radiant",
  "shielded",
  "stark",
  "sturdy",
  "vast",
  "whispering",
];
const NOUNS = [
  "anchorage",
  "bayou",
  "brook",
  "cove",
  "dawn",
  "falls",
  "garden",
  "harbor",
  "island",
  "meadow",
  "ocean",
  "peak",
  "plateau",
  "reef",
  "river",
  "savannah",
  "shore",
  "tundra",
];
const DINOSAURS = [
  "allosaurus",
  "ankylosaurus",
  "brachiosaurus",
  "diplodocus",
  "iguanodon",
  "parasaurolophus",
  "stegosaurus",
  "triceratops",
  "tyrannosaurus",
  "velociraptor",
];

function pick<T>(list: readonly T[]): T {
  return list[randomInt(list.length)]!;
}

export function appName(): string {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${digits(5)}`;
}

export function addonName(service: string): string {
  const short = service.replace(/^heroku-/, "");
  return `${short}-${pick(ADJECTIVES)}-${digits(5)}`;
}

export function dnsTarget(): string {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${hex(12)}.herokudns.com`;
}

export function sniName(): string {
  return `${pick(DINOSAURS)}-${digits(5)}`;
}
