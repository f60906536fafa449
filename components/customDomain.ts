// Custom domains of a Heroku app: one SNI endpoint holding the (wildcard) certificate, a Heroku
// domain per hostname served with it, and per hostname a GoDaddy CNAME record pointing at the DNS
// target Heroku gives that domain. With `dns: "manual"` the records are not managed; the component
// outputs exactly what to create by hand instead (GoDaddy limits its DNS API to large accounts).
import * as pulumi from "@pulumi/pulumi";
import { DnsRecord } from "../providers/godaddy/dnsRecord";
import { Domain } from "../providers/heroku/domain";
import { SniEndpoint } from "../providers/heroku/sniEndpoint";
import { hostnameSlug } from "./resourceNames";

export const MIN_DNS_TTL = 600;
export const DNS_MODES = ["godaddy", "manual"] as const;
export type DnsMode = (typeof DNS_MODES)[number];

export interface CustomDomainArgs {
  /** Heroku app name or id (prefer the id: a rename then changes nothing here). */
  readonly app: pulumi.Input<string>;
  /** Hostnames to serve, each one label inside `zone`, e.g. `app.gyana.com`. */
  readonly hostnames: readonly string[];
  /** DNS zone the records live in, e.g. `gyana.com`. */
  readonly zone: string;
  /** TTL of the CNAME records in seconds. Default 600, GoDaddy's minimum. */
  readonly ttl?: number;
  /** `godaddy`: manage the CNAME records through GoDaddy's API; `manual`: output them instead. */
  readonly dns: DnsMode;
  /** PEM certificate chain, server certificate first; secret. */
  readonly certificateChain: pulumi.Input<string>;
  /** Unencrypted PEM private key of the certificate; secret. */
  readonly privateKey: pulumi.Input<string>;
  /**
   * Production: protect every child from deletion and retain each on removal (the domains, the
   * certificate and the DNS records stay when the stack is removed). Default false.
   */
  readonly protect?: boolean;
  /**
   * Resources made by hand before this stack, to take over instead of creating (Pulumi cannot
   * import dynamic-provider resources). Default: adopt nothing.
   */
  readonly adopt?: {
    /** Name or id of the app's existing SNI endpoint: the declared certificate is uploaded to it. */
    readonly sniEndpoint?: string;
    /** Hostnames whose Heroku domain and GoDaddy CNAME record already exist. */
    readonly hostnames?: readonly string[];
  };
}

/** A DNS record to create by hand, in the words of GoDaddy's DNS manager. */
export interface ManualDnsRecord {
  hostname: string;
  type: "CNAME";
  /** GoDaddy's "Host": the name relative to the zone, e.g. `beta`. */
  host: string;
  /** GoDaddy's "Points to": the Heroku DNS target. */
  pointsTo: string;
  /** Seconds. */
  ttl: number;
}

/** `app.gyana.com` → `app-gyana-com`, for child resource names. */
const slug = hostnameSlug;

/** Everything wrong with the arguments, each naming the argument. */
export function customDomainArgProblems(args: CustomDomainArgs): string[] {
  const problems: string[] = [];
  const zone = args.zone.toLowerCase();
  if (args.hostnames.length === 0) problems.push("`hostnames` must list at least one hostname");
  const seen = new Set<string>();
  for (const hostname of args.hostnames) {
    const host = hostname.toLowerCase();
    if (seen.has(host)) problems.push(`\`hostnames\` lists ${hostname} twice`);
    seen.add(host);
    if (host === zone) {
      problems.push(
        `\`hostnames\`: ${hostname} is the zone apex, which cannot hold a CNAME record; serve a subdomain such as app.${zone}`,
      );
    } else if (!host.endsWith(`.${zone}`)) {
      problems.push(`\`hostnames\`: ${hostname} is not inside \`zone\` ${args.zone}`);
    }
  }
  for (const hostname of args.adopt?.hostnames ?? []) {
    if (!seen.has(hostname.toLowerCase())) {
      problems.push(`\`adopt.hostnames\`: ${hostname} is not one of \`hostnames\``);
    }
  }
  const ttl = args.ttl ?? MIN_DNS_TTL;
  if (!Number.isInteger(ttl) || ttl < MIN_DNS_TTL) {
    problems.push(
      `\`ttl\` must be a whole number of seconds, at least ${MIN_DNS_TTL} (GoDaddy's minimum); got ${ttl}`,
    );
  }
  if (!(DNS_MODES as readonly string[]).includes(args.dns)) {
    problems.push(`\`dns\` must be one of ${DNS_MODES.join(", ")}; got ${String(args.dns)}`);
  }
  return problems;
}

export class CustomDomain extends pulumi.ComponentResource {
  /** The hostnames served. */
  public readonly hostnames: pulumi.Output<string[]>;
  /** Hostname → the DNS target its CNAME record points to. */
  public readonly dnsTargets: pulumi.Output<Record<string, string>>;
  /** Expiry of the certificate Heroku serves (ISO 8601). */
  public readonly certificateExpiry: pulumi.Output<string>;
  /** Heroku's name of the SNI endpoint, e.g. for `heroku certs:info --name`. */
  public readonly sniEndpointName: pulumi.Output<string>;
  /** With `dns: "manual"`, the records to create by hand; empty when GoDaddy is managed. */
  public readonly manualDnsRecords: pulumi.Output<ManualDnsRecord[]>;

  constructor(name: string, args: CustomDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gyana:domain:CustomDomain", name, {}, opts);
    const problems = customDomainArgProblems(args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`CustomDomain ${name}: ${problems.join("; ")}`, this);
    }
    const ttl = args.ttl ?? MIN_DNS_TTL;
    const zone = args.zone.toLowerCase();
    const hostnames = args.hostnames.map((h) => h.toLowerCase());
    const adopted = new Set((args.adopt?.hostnames ?? []).map((h) => h.toLowerCase()));
    const childOpts = args.protect
      ? { parent: this, protect: true, retainOnDelete: true }
      : { parent: this, protect: false };

    const certificate = new SniEndpoint(
      `${name}-cert`,
      {
        app: args.app,
        certificateChain: args.certificateChain,
        privateKey: args.privateKey,
        ...(args.adopt?.sniEndpoint ? { adopt: args.adopt.sniEndpoint } : {}),
      },
      childOpts,
    );

    const routes = hostnames.map((hostname) => {
      const host = hostname.slice(0, -(zone.length + 1));
      const adopt = adopted.has(hostname) ? { adopt: true } : {};
      const domain = new Domain(
        `${name}-${slug(hostname)}`,
        {
          app: args.app,
          hostname,
          // By the endpoint's resource id, which a certificate rotation (an in-place update)
          // keeps: an output would be unknown in its preview and show every domain and DNS
          // record as changing.
          sniEndpoint: certificate.id,
          ...adopt,
        },
        childOpts,
      );
      const target = domain.cname.apply((cname) => cname ?? "");
      if (args.dns === "godaddy") {
        new DnsRecord(
          `${name}-${slug(hostname)}-cname`,
          {
            domain: zone,
            type: "CNAME",
            name: host,
            data: target,
            ttl,
            ...adopt,
          },
          childOpts,
        );
      }
      return { hostname, host, target };
    });

    this.hostnames = pulumi.output(hostnames);
    this.dnsTargets = pulumi
      .all(routes.map((r) => r.target))
      .apply((targets) => Object.fromEntries(routes.map((r, i) => [r.hostname, targets[i] ?? ""])));
    this.certificateExpiry = certificate.expiresAt;
    this.sniEndpointName = certificate.name;
    this.manualDnsRecords =
      args.dns === "manual"
        ? pulumi.all(routes.map((r) => r.target)).apply((targets) =>
            routes.map((r, i): ManualDnsRecord => ({
              hostname: r.hostname,
              type: "CNAME",
              host: r.host,
              pointsTo: targets[i] ?? "",
              ttl,
            })),
          )
        : pulumi.output([]);

    this.registerOutputs({
      hostnames: this.hostnames,
      dnsTargets: this.dnsTargets,
      certificateExpiry: this.certificateExpiry,
      sniEndpointName: this.sniEndpointName,
      manualDnsRecords: this.manualDnsRecords,
    });
  }
}
