// What Heroku does with an add-on plan change, so that a preview can say it before any API call.
// Heroku Postgres (Dev Center, "Changing the Plan or Infrastructure of a Heroku Postgres Database",
// https://devcenter.heroku.com/articles/updating-heroku-postgres-databases): `addons:upgrade`
// changes Essential-tier databases only "to another plan in that tier. To change Essential-tier
// databases to plans on other tiers, use pg:copy instead"; and it "requires up to several hours to
// prepare a replacement (during which the application can remain active), and less than 1 minute
// of downtime during the changeover", when DATABASE_URL changes.
// The article names pg:copy for moving an Essential-tier database to another tier, and no plan
// change into the Essential tier either: both directions are refused here.
// Heroku Key-Value Store: no tier rule is documented for a plan change. The plan-change section of
// Dev Center's "Heroku Key-Value Store" article could not be retrieved to check; its version
// upgrade article (https://devcenter.heroku.com/articles/heroku-redis-version-upgrade) says a
// non-mini add-on "prepares a follower ... and creates a maintenance that you trigger which
// promotes that instance", a mini one "happens immediately". A plan change is accepted, and the
// notice says REDIS_URL changes when the data moves (the emulator rotates it at the change).
// Pure, no Node built-ins: serialized with the Addon provider.

const POSTGRES = "heroku-postgresql";
const REDIS = "heroku-redis";

function split(plan: string): { service: string; tier: string } {
  const [service = "", name = ""] = plan.split(":");
  const tier = /^(essential|mini|basic)(-|$)/.test(name) ? "essential" : (name.split("-")[0] ?? "");
  return { service, tier };
}

/** Why Heroku would refuse this plan change, with the documented way to do it; else undefined. */
export function planChangeRefusal(from: string, to: string, app: string): string | undefined {
  const [a, b] = [split(from), split(to)];
  if (a.service !== POSTGRES || b.service !== POSTGRES) return undefined;
  if ((a.tier === "essential") === (b.tier === "essential")) return undefined;
  return (
    `\`plan\` ${from} → ${to} crosses the Essential tier, which a plan change cannot do: Heroku ` +
    "changes an Essential-tier database by a plan change only to another Essential plan and names " +
    'pg:copy for any move between Essential and another tier (Dev Center, "Changing the Plan or ' +
    'Infrastructure of a Heroku Postgres Database"). Move the data with pg:copy instead: ' +
    `\`heroku addons:create ${to} -a ${app}\`, \`heroku pg:wait -a ${app}\`, ` +
    `\`heroku maintenance:on -a ${app}\`, \`heroku pg:copy DATABASE_URL HEROKU_POSTGRESQL_<NEW COLOR>_URL -a ${app}\`, ` +
    `\`heroku pg:promote HEROKU_POSTGRESQL_<NEW COLOR> -a ${app}\`, \`heroku maintenance:off -a ${app}\`; ` +
    "then forget the old add-on in the stack (`pulumi state unprotect` and `pulumi state delete` " +
    "of the app-postgres entry; neither deletes anything on Heroku), set the new plan and the new " +
    "add-on's name in gyana:imports.postgres, and `pulumi up` adopts it. Remove the old database " +
    "on Heroku once you no longer need it. Nothing was changed."
  );
}

/** What happens after Heroku accepts this plan change, for the operator; else undefined. */
export function planChangeNotice(from: string, to: string, app: string): string | undefined {
  const [a, b] = [split(from), split(to)];
  // The article gives addons:upgrade one timing for every plan it accepts, Essential included.
  if (a.service === POSTGRES && b.service === POSTGRES && !planChangeRefusal(from, to, app)) {
    return (
      `${from} → ${to}: Heroku prepares a replacement database (up to several hours; the app ` +
      "keeps running on the current one) and switches over later, with less than a minute of " +
      "downtime, when DATABASE_URL changes. Watch it with " +
      `\`heroku pg:info -a ${app}\`; \`heroku pg:wait -a ${app}\` returns when it is done.`
    );
  }
  if (a.service === REDIS) {
    return (
      `${from} → ${to}: REDIS_URL changes when Heroku moves the data to the new instance ` +
      "(on mini at once; on other plans possibly in a maintenance). The Redis TLS buildpack adds " +
      `ssl_cert_reqs=none to the new URL at the next dyno start. Watch it with \`heroku redis:info -a ${app}\`.`
    );
  }
  return undefined;
}
