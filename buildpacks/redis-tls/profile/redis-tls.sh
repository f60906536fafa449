# Sourced by bash at every dyno start (web, worker, one-off and release phase), after the config
# vars are in the environment: Heroku's .profile.d mechanism (Dev Center "Buildpack API").
#
# Heroku Key-Value Store serves TLS with a self-signed certificate; redis-py (under Celery,
# django-redis and cacheops) refuses a rediss:// URL unless it says ssl_cert_reqs. REDIS_URL belongs
# to the add-on (Heroku refuses to write it and rewrites it on rotation and failover), so the
# parameter is added here, to this process's environment only, every time a dyno starts.
# No `set -e`, no `exit`: this file is sourced into the dyno's shell.
case "${REDIS_URL:-}" in
  rediss://*)
    case "${REDIS_URL}" in
      *\?ssl_cert_reqs=* | *\&ssl_cert_reqs=*) ;; # already says what it wants: keep it
      *\? | *\&) export REDIS_URL="${REDIS_URL}ssl_cert_reqs=none" ;;
      *\?*) export REDIS_URL="${REDIS_URL}&ssl_cert_reqs=none" ;;
      *) export REDIS_URL="${REDIS_URL}?ssl_cert_reqs=none" ;;
    esac
    ;;
esac
