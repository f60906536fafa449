// Heroku's Range pagination: `Range: <field> [..|]]<start>..[<end>][; max=N][, order=desc]`,
// answered with 206 and `Next-Range: <field> ]<last>..; max=N` while items remain.

export interface RangeRequest {
  field?: string;
  start?: string;
  exclusive: boolean;
  max?: number;
  desc: boolean;
}

export function parseRange(header: string | undefined): RangeRequest | undefined {
  if (!header) return undefined;
  const [spec = "", ...options] = header.split(/[;,]/).map((s) => s.trim());
  const m = /^(?:([a-z_]+)\s*)?(\]?)(.*?)\.\.(.*)$/.exec(spec);
  if (!m) return undefined;
  const result: RangeRequest = {
    field: m[1] || undefined,
    exclusive: m[2] === "]",
    start: m[3] ? m[3] : undefined,
    desc: false,
  };
  for (const opt of options) {
    const [k, v] = opt.split("=").map((s) => s.trim());
    if (k === "max" && v && /^\d+$/.test(v)) result.max = Number(v);
    if (k === "order") result.desc = v === "desc";
  }
  return result;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export interface Page {
  items: Record<string, unknown>[];
  partial: boolean;
  contentRange?: string;
  nextRange?: string;
}

/**
 * `pageSize` is the server's default page size and, when the emulator was started with an
 * explicit `pageSize`, also the cap, so small pages can be forced even if a client asks for more.
 */
export function paginate(
  all: Record<string, unknown>[],
  defaultField: string,
  range: RangeRequest | undefined,
  pageSize: number,
  cap: number,
): Page {
  // A client that always asks for `id` ranges still pages lists without ids (buildpacks).
  const field =
    range?.field && (all.length === 0 || range.field in all[0]!) ? range.field : defaultField;
  const desc = range?.desc ?? false;
  const sortValue = (item: Record<string, unknown>): unknown => item[field];
  const sorted = [...all].sort((x, y) => compare(sortValue(x), sortValue(y)) * (desc ? -1 : 1));
  let items = sorted;
  if (range?.start !== undefined) {
    const start: unknown =
      typeof sorted[0]?.[field] === "number" ? Number(range.start) : range.start;
    items = sorted.filter((item) => {
      const c = compare(sortValue(item), start) * (desc ? -1 : 1);
      return range.exclusive ? c > 0 : c >= 0;
    });
  }
  const max = Math.min(range?.max ?? pageSize, cap);
  const page = items.slice(0, max);
  const partial = items.length > page.length;
  const first = page[0];
  const last = page[page.length - 1];
  return {
    items: page,
    partial,
    contentRange:
      first && last
        ? `${field} ${String(sortValue(first))}..${String(sortValue(last))}`
        : undefined,
    nextRange:
      partial && last
        ? `${field} ]${String(sortValue(last))}..; max=${max}${desc ? ", order=desc" : ""}`
        : undefined,
  };
}
