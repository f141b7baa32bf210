#!/usr/bin/env bash
# bench/profile.sh — CPU (and allocation) profile of one Go route under the
# bench load, without Node: a fresh PostgreSQL database migrated by
# `betterauth migrate`, bench/goserver (= serve + pprof), a user signed up
# through it, wrk (or bench/loadgen) for DURATION seconds while pprof samples.
#
#   bash bench/profile.sh                       # GET /api/auth/get-session
#   ROUTE=/api/me FLAGS='-cookie-cache compact' bash bench/profile.sh
#   FLAGS='-session-cache-ttl 5s -log-requests=false' bash bench/profile.sh
#   DBPARAMS='&pool_max_conns=16' bash bench/profile.sh   # pgxpool settings
#
# Prints the top of the CPU profile and leaves cpu.pprof / allocs.pprof in
# bench/results/ for `go tool pprof`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUTE=${ROUTE:-/api/auth/get-session}
FLAGS=${FLAGS:-}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
DB=benchprof_$(date +%s)_$$
DBURL="$PGURL/$DB?sslmode=disable${DBPARAMS:-}"
WORK=$(mktemp -d /tmp/betterauth-prof.XXXXXX)
PID=
cleanup() {
	set +e
	[ -n "$PID" ] && kill "$PID" && wait "$PID"
	psql "$PGURL/postgres?sslmode=disable" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
export BETTER_AUTH_SECRET=bench-profile-secret-0123456789abcdef0123 DATABASE_URL=$DBURL

go build -o "$WORK/betterauth" ./cmd/betterauth
go build -o "$WORK/goserver" ./bench/goserver
go build -o "$WORK/loadgen" ./bench/loadgen
psql "$PGURL/postgres?sslmode=disable" -qAtc "CREATE DATABASE $DB" >/dev/null
"$WORK/betterauth" migrate >/dev/null
PORT=$((20000 + RANDOM % 20000))
export BETTER_AUTH_URL=http://127.0.0.1:$PORT
# shellcheck disable=SC2086
GOGC=${GOGC:-400} "$WORK/goserver" -addr "127.0.0.1:$PORT" -pprof 127.0.0.1:$((PORT + 1)) $FLAGS >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 100); do grep -q LISTENING "$WORK/out" && break; sleep 0.1; done
curl -sf -o /dev/null -c "$WORK/jar" -H "Origin: $BETTER_AUTH_URL" -H 'Content-Type: application/json' \
	-d '{"name":"P","email":"p@example.com","password":"correct horse battery"}' "$BETTER_AUTH_URL/api/auth/sign-up/email"
COOKIE=$(awk -F'\t' 'NF>=7 && $1 !~ /^# / {printf "%s%s=%s", (n++?"; ":""), $6, $7}' "$WORK/jar")
curl -sf -H "Cookie: $COOKIE" "$BETTER_AUTH_URL$ROUTE" | grep -q p@example.com

mkdir -p bench/results
if command -v wrk >/dev/null; then
	wrk -t1 -c"$CONNS" -d"$((DURATION + 2))s" --latency -H "Cookie: $COOKIE" "$BETTER_AUTH_URL$ROUTE" >"$WORK/load" &
else
	"$WORK/loadgen" -url "$BETTER_AUTH_URL$ROUTE" -c "$CONNS" -d "$((DURATION + 2))s" -warmup 0 -H "Cookie: $COOKIE" >"$WORK/load" &
fi
LOAD=$!
sleep 1
curl -sf -o bench/results/cpu.pprof "http://127.0.0.1:$((PORT + 1))/debug/pprof/profile?seconds=$DURATION"
curl -sf -o bench/results/allocs.pprof "http://127.0.0.1:$((PORT + 1))/debug/pprof/allocs"
wait "$LOAD"
grep -E 'Requests/sec|99%|50%|rps' "$WORK/load" || cat "$WORK/load"
go tool pprof -top -nodecount=35 "$WORK/goserver" bench/results/cpu.pprof 2>/dev/null | head -45
