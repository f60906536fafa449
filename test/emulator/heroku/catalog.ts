// The fixed world the emulator lives in: the account, regions, stacks, dyno sizes, add-on
// plans, and credentials that look like the ones Heroku hands out.
import { digits, hex, newId } from "./ids";
import type { Named } from "./records";

export const ACCOUNT = {
  id: "5b8a2d55-8f43-4e7b-9b51-6f1c3c2a9e01",
  email: "infra@gyana.co.uk",
  full_name: "Gyana Infrastructure",
};

export const REGIONS: Record<string, Named> = {
  eu: { id: "ed30241c-ed8c-4bb6-9714-61953675d0b4", name: "eu" },
  us: { id: "59accabd-516d-4f0e-83e6-6e3757701145", name: "us" },
};

export const STACKS: Record<string, Named> = {
  "heroku-22": { id: "ee582d3c-717d-4a57-ba5f-8b3a39f3a817", name: "heroku-22" },
  "heroku-24": { id: "74cfe988-7527-4ca9-9667-77bb6b9a2b5c", name: "heroku-24" },
};

export const DYNO_SIZES: Named[] = [
  "eco",
  "basic",
  "standard-1X",
  "standard-2X",
  "performance-M",
  "performance-L",
  "performance-L-RAM",
  "performance-XL",
  "performance-2XL",
  "private-S",
  "private-M",
  "private-L",
].map((name, i) => ({ id: `0a1b2c3d-0000-4000-8000-${String(i).padStart(12, "0")}`, name }));

export const POSTGRES_COLORS = [
  "AMBER",
  "BLUE",
  "BRONZE",
  "CHARCOAL",
  "COBALT",
  "COPPER",
  "CRIMSON",
  "GOLD",
  "GRAY",
  "GREEN",
  "IVORY",
  "JADE",
  "MAROON",
  "MAUVE",
  "NAVY",
  "OLIVE",
  "ONYX",
  "ORANGE",
  "PINK",
  "PURPLE",
];

export const PLAN_PRICES: Record<string, number> = {
  "heroku-postgresql:essential-0": 500,
  "heroku-postgresql:essential-1": 900,
  "heroku-postgresql:essential-2": 2000,
  "heroku-postgresql:standard-0": 5000,
  "heroku-redis:mini": 300,
  "heroku-redis:premium-0": 1500,
};

export const DEFAULT_PLANS: Record<string, string> = {
  "heroku-postgresql": "essential-0",
  "heroku-redis": "mini",
};

/** Stable ids per service and plan name, so the same plan always has the same id. */
const stableIds = new Map<string, string>();
export function stableId(key: string): string {
  let id = stableIds.get(key);
  if (!id) {
    id = newId();
    stableIds.set(key, id);
  }
  return id;
}

/** Pretend credentials that look like the real ones. */
export function postgresUrl(): string {
  return `postgres://u${hex(6)}:p${hex(32)}@c${hex(5)}.eu-west-1.rds.amazonaws.com:5432/d${hex(7)}`;
}

export function redisUrl(): string {
  return `rediss://:p${hex(32)}@ec2-${digits(2)}-${digits(3)}-${digits(2)}-${digits(3)}.eu-west-1.compute.amazonaws.com:${10000 + Number(digits(4))}`;
}

export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
