// How child resource names are derived from config values. Config validation uses the same
// functions to refuse two values that would give two resources one name (Pulumi refuses a
// duplicate URN, halfway through an `up`).

/** `Jane.Doe@gyana.co.uk` → `jane-doe-gyana-co-uk`; `roles/editor` → `editor`. */
export function emailOrRoleSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/^roles\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** `app.gyana.com` → `app-gyana-com`. */
export function hostnameSlug(hostname: string): string {
  return hostname
    .replace(/^\*\./, "wildcard.")
    .replace(/[^a-z0-9]+/gi, "-")
    .toLowerCase();
}

/** `sheets.googleapis.com` → `sheets`. */
export function apiSlug(api: string): string {
  return api.split(".")[0] ?? api;
}
