// Rules that span fields or depend on the stack, checked with the schema so that they too fail
// before any resource is declared. Each returns one message per problem.
import { apiSlug, emailOrRoleSlug, hostnameSlug } from "../components/resourceNames";
import { CONFIG_VARS_MAX_BYTES, isHerokuAppDomain } from "./herokuFacts";
import type { PlainConfig } from "./schema";

/** The one environment (and pipeline stage) of each stack of this project. */
export const STACK_ENVIRONMENT: Readonly<Record<string, PlainConfig["environment"]>> = {
  dev: "development",
  staging: "staging",
  prod: "production",
};

function stackProblems(plain: PlainConfig, stack: string): string[] {
  const expected = STACK_ENVIRONMENT[stack];
  if (!expected) return [];
  const mapping = Object.entries(STACK_ENVIRONMENT)
    .map(([name, environment]) => `${name} → ${environment}`)
    .join(", ");
  const problems: string[] = [];
  if (plain.environment !== expected) {
    problems.push(
      `gyana:environment: "${plain.environment}" is not allowed in stack "${stack}"; it must be "${expected}" (${mapping})`,
    );
  }
  if (plain.heroku.pipeline.stage !== expected) {
    problems.push(
      `gyana:heroku.pipeline.stage: "${plain.heroku.pipeline.stage}" is not allowed in stack "${stack}"; it must be "${expected}" (${mapping}; npm run release promotes by these stages)`,
    );
  }
  return problems;
}

function externalUrlProblems(plain: PlainConfig): string[] {
  const host = plain.externalUrl.slice("https://".length);
  if (plain.domains.hostnames.includes(host) || isHerokuAppDomain(host, plain.heroku.app)) {
    return [];
  }
  const hosts = plain.domains.hostnames.length ? `${plain.domains.hostnames.join(", ")} or ` : "";
  return [
    `gyana:externalUrl: "${plain.externalUrl}" is not allowed; it must name a host this stack serves: ${hosts}the app's Heroku domain ${plain.heroku.app}.herokuapp.com (${plain.heroku.app}-<id>.herokuapp.com for apps created since June 2023)`,
  ];
}

function corsProblems(plain: PlainConfig): string[] {
  if (plain.environment !== "production") return [];
  return plain.google.bucket.corsOrigins.flatMap((origin, index) =>
    origin.startsWith("https://")
      ? []
      : [
          `gyana:google.bucket.corsOrigins[${index}]: "${origin}" is not allowed in production; it must be an https:// origin`,
        ],
  );
}

/**
 * Two entries that derive one resource name: Pulumi refuses the second URN halfway through an
 * `up`, so refuse the config instead. `describe` says how names are compared.
 */
function duplicateProblems(
  key: string,
  values: readonly string[],
  nameOf: (value: string) => string,
  describe: string,
): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  values.forEach((value, index) => {
    const name = nameOf(value);
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, index);
      return;
    }
    problems.push(
      `${key}[${index}]: "${value}" is not allowed; it must not repeat ${key}[${earlier}] ("${values[earlier]}"): ${describe}`,
    );
  });
  return problems;
}

function developerDomainProblems(plain: PlainConfig): string[] {
  const domains = plain.google.developerDomains.map((d) => d.toLowerCase());
  return plain.google.developers.flatMap((email, index) => {
    const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
    return domains.includes(domain)
      ? []
      : [
          `gyana:google.developers[${index}]: "${email}" is not allowed; it must be an address at one of gyana:google.developerDomains (${domains.join(", ")}): developers get Editor and KMS admin`,
        ];
  });
}

/** Heroku's limit counts names and values of all config vars together. */
function configVarSizeProblems(plain: PlainConfig): string[] {
  const bytes = Object.entries(plain.configVars).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  return bytes > CONFIG_VARS_MAX_BYTES
    ? [
        `gyana:configVars: ${bytes} bytes of names and values is not allowed; it must be at most 32 kB together (Heroku's limit for all config vars)`,
      ]
    : [];
}

export function crossFieldRules(plain: PlainConfig, stack: string): string[] {
  return [
    ...configVarSizeProblems(plain),
    ...stackProblems(plain, stack),
    ...externalUrlProblems(plain),
    ...corsProblems(plain),
    ...developerDomainProblems(plain),
    ...duplicateProblems(
      "gyana:google.developers",
      plain.google.developers,
      emailOrRoleSlug,
      "emails are compared ignoring case and punctuation, as their resource names are",
    ),
    ...duplicateProblems(
      "gyana:google.apis",
      plain.google.apis,
      apiSlug,
      "each API is enabled once",
    ),
    ...duplicateProblems(
      "gyana:google.serviceAccountKeys",
      plain.google.serviceAccountKeys,
      (key) => key,
      "each key id names one key",
    ),
    ...duplicateProblems(
      "gyana:domains.hostnames",
      plain.domains.hostnames,
      hostnameSlug,
      "host names are compared with dots and dashes alike, as their resource names are",
    ),
    ...duplicateProblems(
      "gyana:imports.domains",
      plain.imports.domains ?? [],
      (host) => host,
      "each host is adopted once",
    ),
  ];
}
