// One GoDaddy DNS record set (one type + name in one zone), managed through
// GET/PUT/DELETE /v1/domains/{domain}/records/{type}/{name}. The zone-wide and type-wide PUTs
// replace records this stack does not own, so they are never used.
import * as pulumi from "@pulumi/pulumi";
import { godaddyClientFromEnv, isGoDaddyNotFound, type GoDaddyRecord } from "./client";

export const GODADDY_MIN_TTL = 600;
/** GoDaddy's documented maximum TTL (one week). */
export const GODADDY_MAX_TTL = 604_800;
const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT"];

export interface DnsRecordInputs {
  /** The zone, e.g. `gyana.com`. */
  domain: string;
  /** Record type, e.g. `CNAME`. */
  type: string;
  /** Host relative to the zone, e.g. `beta` (`@` is the apex). */
  name: string;
  /** What the record points to, e.g. the Heroku DNS target. */
  data: string;
  /** Seconds; GoDaddy refuses less than 600. */
  ttl: number;
  /**
   * Take over a record set that already exists at this type + name (made by hand) instead of
   * failing. Pulumi cannot import dynamic-provider resources (pulumi/pulumi#16175), so this is
   * the explicit way in. Only read by `create`.
   */
  adopt?: boolean;
}

export interface DnsRecordOutputs extends DnsRecordInputs {
  /** Fully qualified name, e.g. `beta.gyana.com`. */
  fqdn: string;
}

export interface DnsRecordArgs {
  /** The zone, e.g. `gyana.com`. */
  domain: pulumi.Input<string>;
  /** Record type; only A, AAAA, CNAME and TXT are supported. */
  type: pulumi.Input<string>;
  /** Host relative to the zone, e.g. `beta`; `@` is the apex. */
  name: pulumi.Input<string>;
  /** Record data, e.g. `xyz.herokudns.com` for a CNAME. */
  data: pulumi.Input<string>;
  /** Seconds, at least 600. Default 600. */
  ttl?: pulumi.Input<number>;
  /** Take over an existing record set at this type + name on create. Default false. */
  adopt?: pulumi.Input<boolean>;
}

function sameRecord(record: GoDaddyRecord | undefined, data: string, ttl: number): boolean {
  const norm = (v: string) => v.toLowerCase().replace(/\.$/, "");
  return record !== undefined && norm(record.data) === norm(data) && record.ttl === ttl;
}

/** The resource id: `<domain>/<type>/<name>`. */
export function dnsRecordId(domain: string, type: string, name: string): string {
  return `${domain}/${type}/${name}`;
}

export const dnsRecordProvider: pulumi.dynamic.ResourceProvider<DnsRecordInputs, DnsRecordOutputs> =
  {
    async check(_olds, news) {
      // Pulumi's marker for a value not known until apply (e.g. a Heroku DNS target in a preview).
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const failures: pulumi.dynamic.CheckFailure[] = [];
      const ttl = (news.ttl as number | undefined) ?? GODADDY_MIN_TTL;
      const inputs: DnsRecordInputs = {
        domain:
          typeof news.domain === "string"
            ? news.domain.toLowerCase().replace(/\.$/, "")
            : news.domain,
        type: typeof news.type === "string" ? news.type.toUpperCase() : news.type,
        name: typeof news.name === "string" ? news.name.toLowerCase() : news.name,
        data:
          typeof news.data === "string" &&
          String(news.type).toUpperCase() === "CNAME" &&
          news.data !== unknown
            ? news.data.toLowerCase().replace(/\.$/, "")
            : news.data,
        ttl,
        ...(news.adopt === undefined ? {} : { adopt: news.adopt }),
      };
      const known = (v: unknown): boolean => v !== unknown;
      if (known(inputs.domain) && !/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(String(inputs.domain))) {
        failures.push({
          property: "domain",
          reason: `\`domain\` must be a zone such as gyana.com, got "${inputs.domain}"`,
        });
      }
      if (known(inputs.type) && !RECORD_TYPES.includes(String(inputs.type))) {
        failures.push({
          property: "type",
          reason: `\`type\` must be one of ${RECORD_TYPES.join(", ")}, got "${inputs.type}"`,
        });
      }
      if (known(inputs.name)) {
        const name = String(inputs.name);
        if (
          !/^(@|[a-z0-9_*]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*)$/.test(name)
        ) {
          failures.push({
            property: "name",
            reason: `\`name\` must be a host relative to the zone (e.g. beta) or @, got "${name}"`,
          });
        } else if (
          known(inputs.domain) &&
          (name === inputs.domain || name.endsWith(`.${inputs.domain}`))
        ) {
          failures.push({
            property: "name",
            reason: `\`name\` must be relative to the zone ${inputs.domain}, got "${name}"`,
          });
        } else if (name === "@" && inputs.type === "CNAME") {
          failures.push({
            property: "name",
            reason: "`name` @ (the zone apex) cannot hold a CNAME record",
          });
        }
      }
      if (known(inputs.data) && (typeof inputs.data !== "string" || inputs.data.length === 0)) {
        failures.push({ property: "data", reason: "`data` must be a non-empty string" });
      }
      if (
        known(ttl) &&
        (!Number.isInteger(ttl) || ttl < GODADDY_MIN_TTL || ttl > GODADDY_MAX_TTL)
      ) {
        failures.push({
          property: "ttl",
          reason: `\`ttl\` must be a whole number of seconds from ${GODADDY_MIN_TTL} (GoDaddy's minimum) to ${GODADDY_MAX_TTL}, got ${ttl}`,
        });
      }
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      const replaces = (["domain", "type", "name"] as const).filter((k) => olds[k] !== news[k]);
      const updates = (["data", "ttl"] as const).filter((k) => olds[k] !== news[k]);
      return {
        changes: replaces.length + updates.length > 0,
        replaces,
        // The record set's identity is its type + name: create the new one before deleting the old.
        deleteBeforeReplace: false,
      };
    },

    async create(inputs) {
      const client = godaddyClientFromEnv();
      const { domain, type, name, data, ttl } = inputs;
      const fqdn = name === "@" ? domain : `${name}.${domain}`;
      const existing = await client.getRecords(domain, type, name);
      // The same single record is what a retried create finds: take it, nothing to change.
      const alreadyThere = existing.length === 1 && sameRecord(existing[0], data, ttl);
      if (existing.length > 0 && !alreadyThere && !inputs.adopt) {
        const found = existing.map((r) => `${r.data} (TTL ${r.ttl ?? "?"})`).join(", ");
        throw new Error(
          `GoDaddy already has a ${type} record for ${fqdn} pointing to ${found}, which this stack did not create. ` +
            `To manage it here, set \`adopt: true\` on the record (CustomDomain: list the hostname in \`adopt.hostnames\`), ` +
            `which points it to ${data}; or delete it in GoDaddy's DNS manager and run \`pulumi up\` again.`,
        );
      }
      if (!alreadyThere) await client.replaceRecords(domain, type, name, [{ data, ttl }]);
      return {
        id: dnsRecordId(domain, type, name),
        outs: {
          domain,
          type,
          name,
          data,
          ttl,
          fqdn,
          ...(inputs.adopt === undefined ? {} : { adopt: inputs.adopt }),
        },
      };
    },

    async read(id, props) {
      const client = godaddyClientFromEnv();
      if (!props) throw new Error(`GoDaddy DnsRecord ${id}: read needs the recorded state`);
      const { domain, type, name } = props;
      let records: GoDaddyRecord[];
      try {
        records = await client.getRecords(domain, type, name);
      } catch (error) {
        if (isGoDaddyNotFound(error)) return { id: "" };
        throw error;
      }
      const record = records[0];
      if (!record) return { id: "" };
      const data = type === "CNAME" ? record.data.toLowerCase().replace(/\.$/, "") : record.data;
      return {
        id,
        props: {
          ...props,
          // Several records in the set is drift too: show every value.
          data: records.length === 1 ? data : records.map((r) => r.data).join(","),
          ttl: record.ttl ?? GODADDY_MIN_TTL,
        },
      };
    },

    async update(_id, _olds, news) {
      const client = godaddyClientFromEnv();
      const { domain, type, name, data, ttl } = news;
      await client.replaceRecords(domain, type, name, [{ data, ttl }]);
      return {
        outs: { domain, type, name, data, ttl, fqdn: name === "@" ? domain : `${name}.${domain}` },
      };
    },

    async delete(_id, props) {
      const client = godaddyClientFromEnv();
      try {
        await client.deleteRecords(props.domain, props.type, props.name);
      } catch (error) {
        if (!isGoDaddyNotFound(error)) throw error;
      }
    },
  };

/** One GoDaddy DNS record set; type token `pulumi-nodejs:dynamic/godaddy:DnsRecord`. */
export class DnsRecord extends pulumi.dynamic.Resource {
  declare readonly domain: pulumi.Output<string>;
  declare readonly type: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly data: pulumi.Output<string>;
  declare readonly ttl: pulumi.Output<number>;
  declare readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: DnsRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dnsRecordProvider,
      name,
      { ...args, ttl: args.ttl ?? GODADDY_MIN_TTL, fqdn: undefined },
      opts,
      "godaddy",
      "DnsRecord",
    );
  }
}
