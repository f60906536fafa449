// What the stack config may name on Heroku and in the app, each list with its source.

/**
 * The app's process types: the Procfile of gyana/gyana (snapshot 71543c4, 2025-03-09) declares
 * `web` (gunicorn), `worker` (celery, queue `celery`), `priority` (celery, queue `priority`:
 * CELERY_TASK_ROUTES sends user-triggered tasks there) and `beat` (celery beat), plus the
 * release phase. A formation entry for any other name would be refused by Heroku's formation
 * update at `up` time, and a missing one leaves that process unmanaged.
 */
export const PROCESS_TYPES = ["web", "worker", "priority", "beat"] as const;

/**
 * Stacks Heroku still supports for Cedar apps (classic buildpacks), from Dev Center "Stacks"
 * (https://devcenter.heroku.com/articles/stack, updated 2024-12-03): heroku-24 (default, through
 * April 2029) and heroku-22 (through April 2027). heroku-20 reached end of life on 2025-04-30
 * (https://devcenter.heroku.com/articles/heroku-20-stack); heroku-18, heroku-16 and cedar-14 are
 * long gone.
 */
export const HEROKU_STACKS = ["heroku-22", "heroku-24"] as const;

/**
 * Dyno sizes the formation API takes (Dev Center "Dyno Types",
 * https://devcenter.heroku.com/articles/dyno-types), case-insensitive like the API.
 */
export const DYNO_SIZES = [
  "eco",
  "basic",
  "standard-1x",
  "standard-2x",
  "performance-m",
  "performance-l",
  "performance-l-ram",
  "performance-xl",
  "performance-2xl",
] as const;

/**
 * Heroku limits an app's config vars, names and values together, to 32 kB (Dev Center
 * "Configuration and Config Vars", https://devcenter.heroku.com/articles/config-vars#config-var-limits).
 */
export const CONFIG_VARS_MAX_BYTES = 32 * 1024;

/**
 * An app's default domain: `<app>.herokuapp.com` for apps created before 2023-06-14, then
 * `<app>-<12 random characters>.herokuapp.com` (Dev Center "App Names, Subdomains, and URLs",
 * https://devcenter.heroku.com/articles/app-names-and-subdomains).
 */
export function isHerokuAppDomain(host: string, app: string): boolean {
  const suffix = ".herokuapp.com";
  if (!host.endsWith(suffix)) return false;
  const subdomain = host.slice(0, -suffix.length);
  return subdomain === app || new RegExp(`^${app}-[a-z0-9]{12}$`).test(subdomain);
}
