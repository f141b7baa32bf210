#!/usr/bin/env bash
# bench/run.sh — Better Auth 1.7.25 (Node) against `betterauth serve` (Go) on
# one fresh PostgreSQL database, same load, one table.
#
#   bash bench/run.sh                 # ~15 minutes (3 rounds, PostgreSQL stats waits)
#   SCALE=1 bash bench/run.sh         # + latency at 1k / 100k / 1M session rows (~8 min)
#
# Settings (environment):
#   DURATION=10      seconds of load per target (after a 1 s warm-up)
#   CONNS=32         connections
#   LOADGEN=auto     wrk (-t1, installed with apt-get when missing and root) or
#                    go (bench/loadgen); auto prefers wrk, as in the issue
#   PGURL=postgres://postgres@127.0.0.1:5432   server for the fresh database
#   REDIS=redis://127.0.0.1:6379/0             Redis row (skipped if down)
#   ROUNDS=3         rounds of load over every target (and every table
#                    size); each row shows the median run
#   SCALE=0          1 adds the session-table scaling run (three more
#                    databases of 1k, 100k and 1M sessions, ROUNDS
#                    interleaved rounds) and the cleanup measurement
#   STATS_WAIT=10.5  seconds to let PostgreSQL flush its statistics before
#                    and after each target (the queries/request column)
#   OUT=bench/results/latest.md                where the table is written
#   GO_FLAGS=        more `betterauth serve` flags for every Go server
#                    (e.g. "--log-level warn" where serve has it)
#   PG_PARAMS=       more DATABASE_URL parameters for the Go servers
#                    (e.g. "&pool_max_conns=8")
#
# Rows: Better Auth; serve's database path; bench/minimal (the least a Go
# handler can do to check a session — the issue's yardstick for the
# database path, not a server); serve with each cache (the cookie cache in
# each strategy); a bare handler, sent the same request as the cookie-cache
# rows and sent no cookies.
#
# What it does: creates database bench_<time>_<pid>; installs the conformance
# harness's pinned npm packages if missing; starts Better Auth
# (bench/baserver.mjs, pg pool) there, which migrates the schema; signs a
# user up through Better Auth's HTTP API; starts `betterauth serve` on the
# same database with the same secret (no --migrate: it checks Better Auth's
# schema); checks that every target answers that user's JSON; then loads each
# target in turn and prints requests/s, p50, p99, the ratio to Better Auth's
# get-session, the share of the bare net/http handler, database queries per
# request (pg_stat_database commits), and the server's largest RSS during
# its load. Everything
# listens on 127.0.0.1 and is stopped, and the database dropped, on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
LOADGEN=${LOADGEN:-auto}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
SCALE=${SCALE:-0}
STATS_WAIT=${STATS_WAIT:-10.5}
OUT=${OUT:-$ROOT/bench/results/latest.md}
SECRET=bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
DB=bench_$(date +%s)_$$
DBURL="$PGURL/$DB?sslmode=disable"
EMAIL=bench@example.com
PASSWORD='correct horse battery staple'

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
WORK=$(mktemp -d /tmp/betterauth-bench.XXXXXX)
PIDS=()
SCALE_DBS=()
cleanup() {
	set +e
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	for db in $DB "${SCALE_DBS[@]}"; do
		psql "$PGURL/postgres?sslmode=disable" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# --- tools -------------------------------------------------------------------
for bin in go node npm psql curl; do
	command -v "$bin" >/dev/null || die "$bin not found on PATH"
done
if [ "$LOADGEN" = auto ]; then
	if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing wrk"
		apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } || true
	fi
	if command -v wrk >/dev/null; then LOADGEN=wrk; else LOADGEN=go; fi
fi
log "load generator: $LOADGEN, $CONNS connections, ${DURATION}s per target"

HARNESS=$ROOT/internal/batest/harness
if ! (cd "$HARNESS" && node -e 'require.resolve("better-auth"); require.resolve("pg")' 2>/dev/null); then
	log "installing the harness's pinned npm packages (npm ci, ~2 min once)"
	(cd "$HARNESS" && flock /tmp/betterauth-batest-npm.lock npm ci --no-audit --no-fund >&2)
fi

log "building"
go build -o "$WORK/betterauth" ./cmd/betterauth
go build -o "$WORK/hello" ./bench/hello
go build -o "$WORK/minimal" ./bench/minimal
go build -o "$WORK/loadgen" ./bench/loadgen
go build -o "$WORK/goserver" ./bench/goserver
go build -o "$WORK/cleanup" ./bench/cleanup

psql "$PGURL/postgres?sslmode=disable" -qAtc "CREATE DATABASE $DB" >/dev/null
sql() { psql "$DBURL" -qAtc "$1"; }

# free_port prints a TCP port nobody listens on.
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
	done
	die "no free port"
}

# start NAME LOGFILE CMD… : runs CMD in the background with stdin kept open
# (baserver exits when it closes), waits for a "listening" line, echoes the
# PID into $WORK/NAME.pid.
start() {
	local name=$1 logfile=$2; shift 2
	mkfifo "$WORK/$name.stdin"
	"$@" <"$WORK/$name.stdin" >"$logfile" 2>"$logfile.err" &
	local pid=$!
	PIDS+=("$pid")
	exec {fd}>"$WORK/$name.stdin" # hold stdin open
	echo "$pid" >"$WORK/$name.pid"
	for _ in $(seq 600); do
		if grep -qi 'listening' "$logfile" 2>/dev/null; then return; fi
		if ! kill -0 "$pid" 2>/dev/null; then cat "$logfile.err" >&2; die "$name exited"; fi
		sleep 0.1
	done
	cat "$logfile.err" >&2
	die "$name did not start"
}


# --- Better Auth --------------------------------------------------------------
BA_PORT=$(free_port)
BA=http://127.0.0.1:$BA_PORT
log "starting Better Auth 1.7.25 on $BA"
DATABASE_URL=$DBURL BETTER_AUTH_SECRET=$SECRET PORT=$BA_PORT NODE_ENV=production \
	start ba "$WORK/ba.log" node bench/baserver.mjs

# sign_in URL JAR PATH BODY: POSTs JSON with the app's Origin, keeps cookies.
post_json() {
	curl -sf -o /dev/null -c "$2" -b "$2" -H "Origin: $1" -H 'Content-Type: application/json' \
		-d "$4" "$1$3" || die "POST $1$3 failed"
}
cookie_header() { # JAR → "a=b; c=d" of every cookie in a curl jar
	awk -F'\t' 'NF>=7 && $1 !~ /^# / {printf "%s%s=%s", (n++?"; ":""), $6, $7}' "$1"
}
log "signing up $EMAIL through Better Auth"
post_json "$BA" "$WORK/ba.jar" /api/auth/sign-up/email \
	"{\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
BA_COOKIE=$(cookie_header "$WORK/ba.jar")
[ -n "$BA_COOKIE" ] || die "Better Auth set no cookie"

# --- Go -------------------------------------------------------------------------
# go_serve NAME PORT FLAGS…: betterauth serve on the bench database.
# shellcheck disable=SC2086 # GO_FLAGS is a list of flags
go_serve() {
	local name=$1 port=$2; shift 2
	DATABASE_URL=$DBURL${PG_PARAMS:-} BETTER_AUTH_SECRET=$SECRET BETTER_AUTH_URL=http://127.0.0.1:$port \
		start "$name" "$WORK/$name.log" "$WORK/betterauth" serve --addr "127.0.0.1:$port" ${GO_FLAGS:-} "$@"
}
GO_PORT=$(free_port)
GO=http://127.0.0.1:$GO_PORT
log "starting betterauth serve on $GO (database path)"
go_serve go "$GO_PORT"

# One server per cookie-cache strategy: cc (compact), cj (jwt), ce (jwe).
declare -A CC_URL
for spec in cc:compact cj:jwt ce:jwe; do
	port=$(free_port)
	CC_URL[${spec%%:*}]=http://127.0.0.1:$port
	log "starting betterauth serve --cookie-cache ${spec#*:} on ${CC_URL[${spec%%:*}]}"
	go_serve "${spec%%:*}" "$port" --cookie-cache "${spec#*:}"
done
CC=${CC_URL[cc]}
# cache_cookie NAME: signs in through cookie-cache server NAME (its answer
# carries session_data too) and prints the Cookie header.
cache_cookie() {
	rm -f "$WORK/$1.jar"
	post_json "${CC_URL[$1]}" "$WORK/$1.jar" /api/auth/sign-in/email "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
	local c
	c=$(cookie_header "$WORK/$1.jar")
	case $c in *session_data*) ;; *) die "no session_data cookie from the cookie-cache server $1" ;; esac
	echo "$c"
}

SC_PORT=$(free_port)
SC=http://127.0.0.1:$SC_PORT
if "$WORK/betterauth" serve --help 2>&1 | grep -q -- --session-cache-ttl; then
	log "starting betterauth serve --session-cache-ttl 5s on $SC"
	go_serve sc "$SC_PORT" --session-cache-ttl 5s
else # serve has no flag for it yet: the same server.New, wired by bench/goserver
	log "starting bench/goserver -session-cache-ttl 5s (serve + sessioncache) on $SC"
	DATABASE_URL=$DBURL${PG_PARAMS:-} BETTER_AUTH_SECRET=$SECRET BETTER_AUTH_URL=$SC \
		start sc "$WORK/sc.log" "$WORK/goserver" -addr "127.0.0.1:$SC_PORT" -session-cache-ttl 5s
fi

RD=""
if command -v redis-cli >/dev/null && redis-cli -u "$REDIS" ping >/dev/null 2>&1; then
	RD_PORT=$(free_port)
	RD=http://127.0.0.1:$RD_PORT
	log "starting betterauth serve --redis on $RD"
	go_serve rd "$RD_PORT" --redis "$REDIS" --redis-key-prefix "$DB:"
	post_json "$RD" "$WORK/rd.jar" /api/auth/sign-in/email "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
	RD_COOKIE=$(cookie_header "$WORK/rd.jar")
	# A second instance on the same keys, with the client-side cache.
	RC_PORT=$(free_port)
	RC=http://127.0.0.1:$RC_PORT
	log "starting betterauth serve --redis --redis-client-cache 5s on $RC"
	go_serve rc "$RC_PORT" --redis "$REDIS" --redis-key-prefix "$DB:" --redis-client-cache 5s
else
	log "Redis not reachable at $REDIS: skipping the Redis row"
fi

log "starting the minimal handler (cookie + HMAC + one pgx join)"
DATABASE_URL=$DBURL BETTER_AUTH_SECRET=$SECRET start min "$WORK/min.log" "$WORK/minimal" -addr 127.0.0.1:0
MIN=$(awk '/LISTENING/ {print $2}' "$WORK/min.log")

log "starting the bare net/http handler"
start hello "$WORK/hello.log" "$WORK/hello" -addr 127.0.0.1:0
HELLO=$(awk '/LISTENING/ {print $2}' "$WORK/hello.log")

# --- targets ---------------------------------------------------------------------
# name|server (for RSS)|url|cookie|expected body substring
TARGETS=(
	"Better Auth GET /api/auth/get-session|ba|$BA/api/auth/get-session|$BA_COOKIE|$EMAIL"
	"Go GET /api/auth/get-session|go|$GO/api/auth/get-session|$BA_COOKIE|$EMAIL"
	"Go GET /api/me|go|$GO/api/me|$BA_COOKIE|$EMAIL"
	"minimal Go handler: cookie + HMAC + one pgx join (bench/minimal)|min|$MIN/|$BA_COOKIE|$EMAIL"
	"Go get-session, cookie cache (compact)|cc|$CC/api/auth/get-session||$EMAIL"
	"Go /api/me, cookie cache (compact)|cc|$CC/api/me||$EMAIL"
	"Go /api/me, cookie cache (jwt)|cj|${CC_URL[cj]}/api/me||$EMAIL"
	"Go /api/me, cookie cache (jwe)|ce|${CC_URL[ce]}/api/me||$EMAIL"
	"Go /api/me, session cache (TTL 5s)|sc|$SC/api/me|$BA_COOKIE|$EMAIL"
)
if [ -n "$RD" ]; then
	TARGETS+=("Go /api/me, Redis secondary storage|rd|$RD/api/me|$RD_COOKIE|$EMAIL")
	TARGETS+=("Go /api/me, Redis + client-side cache (invalidated by Redis, ≤ 5s)|rc|$RC/api/me|$RD_COOKIE|$EMAIL")
fi
# The same route over SESSIONS distinct users and sessions (wrk only: a
# Lua script rotates the Cookie header), so that concurrent lookups are of
# different tokens, as on a real server, not one token shared by every
# request (which batched lookups answer with one row).
SESSIONS=${SESSIONS:-500}
if [ "$LOADGEN" = wrk ] && [ "$SESSIONS" -gt 0 ] && command -v openssl >/dev/null; then
	log "creating $SESSIONS users with a session each"
	sql "INSERT INTO \"user\" (id, name, email, \"emailVerified\", \"createdAt\", \"updatedAt\")
	     SELECT 'multiuser' || g, 'M', 'multi' || g || '@example.com', false, now(), now() FROM generate_series(1, $SESSIONS) g;
	     INSERT INTO \"session\" (id, token, \"userId\", \"expiresAt\", \"createdAt\", \"updatedAt\", \"ipAddress\", \"userAgent\")
	     SELECT 'multisession' || g, substr(md5('multitok' || g), 1, 32), 'multiuser' || g, now() + interval '7 days', now(), now(), '', ''
	     FROM generate_series(1, $SESSIONS) g" >/dev/null
	{
		echo 'cookies = {'
		for g in $(seq 1 "$SESSIONS"); do
			tok=$(printf 'multitok%s' "$g" | md5sum | cut -c1-32)
			sig=$(printf '%s' "$tok" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')
			echo "\"better-auth.session_token=$tok.$sig\","
		done
		echo '}'
		echo 'i = 0'
		echo 'request = function() i = i + 1; return wrk.format("GET", nil, {["Cookie"] = cookies[(i % #cookies) + 1]}) end'
	} >"$WORK/multi.lua"
	sed -n 2p "$WORK/multi.lua" | tr -d '",' >"$WORK/multi.first"
	TARGETS+=("Go GET /api/me, $SESSIONS distinct sessions|go|$GO/api/me|@$WORK/multi.lua|multi")
	TARGETS+=("minimal Go handler, $SESSIONS distinct sessions|min|$MIN/|@$WORK/multi.lua|multi")
fi
# The bare handler twice: sent the same request as the cookie-cache rows
# (their ~1 KB Cookie header, which it ignores but net/http still reads) —
# the base of the "% of bare" column — and sent no cookies at all.
TARGETS+=("bare net/http handler, same request (the cookie-cache rows' Cookie header, ignored)|hello|$HELLO/||hello")
TARGETS+=("bare net/http handler, no cookies|hello|$HELLO/||hello")
# COOKIE_FROM[i]: the cookie-cache server whose fresh cookies target i is
# sent (fresh_cookie fills them in before every load).
declare -A COOKIE_FROM
for i in "${!TARGETS[@]}"; do
	IFS='|' read -r name server _ <<<"${TARGETS[$i]}"
	case $server in cc | cj | ce) COOKIE_FROM[$i]=$server ;; esac
done
COOKIE_FROM[$((${#TARGETS[@]} - 2))]=cc

# fresh_cookie I: when target I is sent a cookie-cache server's cookies, a
# new sign-in there, its cookies put in the target, right before each load.
# The session_data cookie is trusted for 5 minutes (Better Auth's maxAge);
# an older one has expired, so every request would take the database path
# and be sent a new cache, which a browser would keep but wrk does not.
fresh_cookie() {
	local from=${COOKIE_FROM[$1]:-} name server url cookie expect
	[ -n "$from" ] || return 0
	IFS='|' read -r name server url cookie expect <<<"${TARGETS[$1]}"
	TARGETS[$1]="$name|$server|$url|$(cache_cookie "$from")|$expect"
}

# cookie_of COOKIE: the Cookie header to check a target with ("@script":
# the first of the script's cookies).
cookie_of() { case $1 in @*) cat "$WORK/multi.first" ;; *) echo "$1" ;; esac; }
for i in "${!TARGETS[@]}"; do
	fresh_cookie "$i"
	IFS='|' read -r name _ url cookie expect <<<"${TARGETS[$i]}"
	body=$(curl -sf -H "Cookie: $(cookie_of "$cookie")" "$url") || die "$name: $url failed"
	case $body in *"$expect"*) ;; *) die "$name: $url answered $body" ;; esac
done
log "every target answers the signed-in user"

# warm URL COOKIE: one second of the same load, not measured.
warm() {
	if [ "$LOADGEN" = wrk ] && [ "${2:0:1}" = @ ]; then
		wrk -t1 -c"$CONNS" -d1s -s "${2:1}" "$1" >/dev/null
	elif [ "$LOADGEN" = wrk ]; then
		wrk -t1 -c"$CONNS" -d1s ${2:+-H "Cookie: $2"} "$1" >/dev/null
	else
		"$WORK/loadgen" -url "$1" -c "$CONNS" -d 1s -warmup 0 ${2:+-H "Cookie: $2"} >/dev/null
	fi
}
# load URL COOKIE EXPECT → "rps p50_ms p99_ms errors requests"
load() {
	local url=$1 cookie=$2 expect=$3
	if [ "$LOADGEN" = wrk ]; then
		if [ "${cookie:0:1}" = @ ]; then
			wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "${cookie:1}" "$url" >"$WORK/wrk.out"
		else
			wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency ${cookie:+-H "Cookie: $cookie"} "$url" >"$WORK/wrk.out"
		fi
		awk '
			function ms(v) { if (v ~ /us$/) return (v+0)/1000; if (v ~ /ms$/) return v+0; if (v ~ /[0-9]s$/) return (v+0)*1000; if (v ~ /m$/) return (v+0)*60000; return v+0 }
			/^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
			/requests in/ { n = $1 }
			/Requests\/sec/ { rps = $2 }
			/Non-2xx/ { err += $NF }
			/Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
			END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, err, n }' "$WORK/wrk.out"
	else
		"$WORK/loadgen" -url "$url" -c "$CONNS" -d "${DURATION}s" -warmup 0 ${cookie:+-H "Cookie: $cookie"} \
			${expect:+-expect "$expect"} | tail -1 |
			sed -E 's/.*"requests":([0-9]+),"errors":([0-9]+),"rps":([0-9.]+),"p50_ms":([0-9.]+),"p90_ms":[0-9.]+,"p99_ms":([0-9.]+).*/\3 \4 \5 \2 \1/' |
			awk '{printf "%.0f %.2f %.2f %d %d\n", $1, $2, $3, $4, $5}'
	fi
}
commits() { sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
# watch_rss PID FILE: writes the largest VmRSS (MB) seen until killed.
watch_rss() {
	local max=0 v
	trap 'echo $((max / 1024)) >"$2"; exit 0' TERM
	while :; do
		v=$(awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null)
		[ "${v:-0}" -gt "$max" ] && max=$v
		sleep 0.2
	done
}

# Round 1 measures every target with its database queries and RSS; the
# further rounds (ROUNDS, default 3) load them again in the same order, so
# that the machine's drift over the run's minutes falls on every target
# alike. The table shows, per target, the run with the median requests/s.
ROUNDS=${ROUNDS:-3}
RESULTS=()
declare -A RUNS
for i in "${!TARGETS[@]}"; do
	fresh_cookie "$i"
	IFS='|' read -r name server url cookie expect <<<"${TARGETS[$i]}"
	log "load: $name (round 1 of $ROUNDS)"
	warm "$url" "$cookie"
	# PostgreSQL 15 backends flush their counters at most once a second,
	# and an idle one 10 s later: wait them out on both sides.
	sleep "$STATS_WAIT"
	before=$(commits)
	watch_rss "$(cat "$WORK/$server.pid")" "$WORK/rss" &
	watcher=$!
	read -r rps p50 p99 errs reqs < <(load "$url" "$cookie" "$expect")
	kill "$watcher"
	wait "$watcher" 2>/dev/null || true
	sleep "$STATS_WAIT"
	after=$(commits)
	# Minus the two psql sessions' own transactions.
	qpr=$(awk -v a="$after" -v b="$before" -v n="$reqs" 'BEGIN{ if (n>0) printf "%.2f", (a-b-2)/n; else print "?" }')
	[ "$server" = hello ] && qpr=0
	RESULTS+=("$name|$qpr|$(cat "$WORK/rss")")
	RUNS[$i]="$rps $p50 $p99 $errs"$'\n'
done
for round in $(seq 2 "$ROUNDS"); do
	for i in "${!TARGETS[@]}"; do
		fresh_cookie "$i"
		IFS='|' read -r name server url cookie expect <<<"${TARGETS[$i]}"
		log "load: $name (round $round of $ROUNDS)"
		warm "$url" "$cookie"
		read -r rps p50 p99 errs reqs < <(load "$url" "$cookie" "$expect")
		RUNS[$i]+="$rps $p50 $p99 $errs"$'\n'
	done
done
# median_of RUNS (lines "rps p50 p99 [errors]"): "rps p50 p99 errors(all
# runs) runs" of the run with the median requests/s.
median_of() {
	local sorted median errs list
	sorted=$(printf '%s' "$1" | sort -n)
	median=$(sed -n "$(((ROUNDS + 1) / 2))p" <<<"$sorted")
	errs=$(printf '%s' "$1" | awk '{e += $4} END {print e + 0}')
	list=$(printf '%s' "$1" | awk '{printf "%s%s", (NR > 1 ? ", " : ""), $1}')
	echo "$(cut -d' ' -f1-3 <<<"$median") $errs $list"
}
# median_run I: median_of target I's runs.
median_run() { median_of "${RUNS[$1]}"; }

# --- table --------------------------------------------------------------------------
BA_RPS=$(median_run 0 | cut -d' ' -f1)
HELLO_RPS=$(median_run $((${#TARGETS[@]} - 2)) | cut -d' ' -f1)
HELLO0_RPS=$(median_run $((${#TARGETS[@]} - 1)) | cut -d' ' -f1)
machine() {
	local cpu
	cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
	printf '%s cores (%s), %s MB RAM, Linux %s; Go %s; Node %s; %s; load: %s\n' \
		"$(nproc)" "$cpu" "$(awk '/MemTotal/ {printf "%.0f", $2/1024}' /proc/meminfo)" "$(uname -r)" \
		"$(go env GOVERSION | sed 's/^go//')" "$(node --version | sed 's/^v//')" \
		"$(psql "$DBURL" -qAtc 'SHOW server_version' | sed 's/^/PostgreSQL /; s/ (.*//')" \
		"$([ "$LOADGEN" = wrk ] && echo "wrk -t1 -c$CONNS -d${DURATION}s" || echo "bench/loadgen -c $CONNS -d ${DURATION}s")"
}
{
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $(machine)"
	echo
	echo "Load average (1 min) before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1 /proc/loadavg) — other processes on the machine add noise above ~1.${GO_FLAGS:+ Go flags: \`$GO_FLAGS\`.}${PG_PARAMS:+ DATABASE_URL parameters: \`$PG_PARAMS\`.}"
	echo
	echo "Each target was loaded in $ROUNDS rounds (every target once per round, in this order); each row shows the run with the median requests/s, its latencies, and the errors of all runs. Queries/request and RSS are from round 1."
	echo
	echo "\"% of bare\" is of the bare net/http handler sent the same request as the cookie-cache rows (their Cookie header, ~1 KB, ignored); \"no cookies\" is of the same handler sent no Cookie header. The database and Redis rows send only the session_token cookie, so against them the first base is conservative."
	echo
	echo "| target | requests/s | p50 ms | p99 ms | × Better Auth | % of bare net/http | % of bare, no cookies | DB queries/request | RSS under load MB | errors | runs (requests/s) |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	for i in "${!RESULTS[@]}"; do
		IFS='|' read -r name qpr rss <<<"${RESULTS[$i]}"
		read -r rps p50 p99 errs runs <<<"$(median_run "$i")"
		awk -v n="$name" -v r="$rps" -v a="$p50" -v b="$p99" -v ba="$BA_RPS" -v h="$HELLO_RPS" -v h0="$HELLO0_RPS" -v q="$qpr" -v m="$rss" -v e="$errs" -v l="$runs" \
			'BEGIN { printf "| %s | %d | %.2f | %.2f | %.1f× | %.0f%% | %.0f%% | %s | %s | %d | %s |\n", n, r, a, b, r/ba, 100*r/h, 100*r/h0, q, m, e, l }'
	done
} >"$WORK/table.md"

# --- scaling run ------------------------------------------------------------------------
# --- session-table scaling -----------------------------------------------------
# One database per size (1k, 100k, 1M sessions of as many users, migrated by
# `betterauth migrate`), each with its own serve, measured in interleaved
# rounds (1k, 100k, 1M, 1k, …) so that the machine's own drift over the
# minutes of the run falls on every size alike; the median of ROUNDS runs.
# The measured session is one of the rows, its cookie signed here.
if [ "$SCALE" = 1 ]; then
	command -v openssl >/dev/null || die "SCALE=1 needs openssl (to sign the measured session's cookie)"
	tok=$(printf 'scaletok0' | md5sum | cut -c1-32)
	sig=$(printf '%s' "$tok" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')
	SCALE_COOKIE="better-auth.session_token=$tok.$sig"
	SIZES=(1000 100000 1000000)
	declare -A SCALE_URL
	for rows in "${SIZES[@]}"; do
		db=${DB}_s$rows
		SCALE_DBS+=("$db")
		url="$PGURL/$db?sslmode=disable"
		log "creating a database with $rows sessions"
		psql "$PGURL/postgres?sslmode=disable" -qAtc "CREATE DATABASE $db" >/dev/null
		DATABASE_URL=$url "$WORK/betterauth" migrate >/dev/null
		psql "$url" -qAtc "INSERT INTO \"user\" (id, name, email, \"emailVerified\", \"createdAt\", \"updatedAt\")
		     SELECT 'scaleuser' || g, 'U', 'scale' || g || '@example.com', false, now(), now() FROM generate_series(0, $rows - 1) g" >/dev/null
		psql "$url" -qAtc "INSERT INTO \"session\" (id, token, \"userId\", \"expiresAt\", \"createdAt\", \"updatedAt\", \"ipAddress\", \"userAgent\")
		     SELECT substr(md5('id' || g), 1, 32), substr(md5('scaletok' || g), 1, 32), 'scaleuser' || g,
		            now() + interval '7 days', now(), now(), '', ''
		     FROM generate_series(0, $rows - 1) g" >/dev/null
		psql "$url" -qAtc 'VACUUM ANALYZE "session"' >/dev/null
		psql "$url" -qAtc 'VACUUM ANALYZE "user"' >/dev/null
		port=$(free_port)
		DATABASE_URL=$url${PG_PARAMS:-} BETTER_AUTH_SECRET=$SECRET BETTER_AUTH_URL=http://127.0.0.1:$port \
			start "scale$rows" "$WORK/scale$rows.log" "$WORK/betterauth" serve --addr "127.0.0.1:$port" ${GO_FLAGS:-}
		SCALE_URL[$rows]=http://127.0.0.1:$port/api/auth/get-session
		curl -sf -H "Cookie: $SCALE_COOKIE" "${SCALE_URL[$rows]}" | grep -q scale0@example.com || die "scale $rows: the measured session is not served"
	done
	sql 'CHECKPOINT' >/dev/null
	declare -A SCALE_RUNS
	for round in $(seq "$ROUNDS"); do
		for rows in "${SIZES[@]}"; do
			log "load at $rows session rows (round $round of $ROUNDS)"
			warm "${SCALE_URL[$rows]}" "$SCALE_COOKIE"
			read -r rps p50 p99 _ _ < <(load "${SCALE_URL[$rows]}" "$SCALE_COOKIE" scale0)
			SCALE_RUNS[$rows]+="$rps $p50 $p99"$'\n'
		done
	done
	{
		echo
		echo "Session-table scaling (Go GET /api/auth/get-session, database path; one database per size with that many users and sessions, each with its own serve, measured in $ROUNDS interleaved rounds; the run with the median requests/s per size):"
		echo
		echo "| session rows | requests/s | p50 ms | p99 ms | runs (requests/s) |"
		echo "| ---: | ---: | ---: | ---: | --- |"
		for rows in "${SIZES[@]}"; do
			read -r rps p50 p99 _ runs <<<"$(median_of "${SCALE_RUNS[$rows]}")"
			echo "| $(printf "%'d" "$rows") | $rps | $p50 | $p99 | $runs |"
		done
	} >>"$WORK/table.md"

	big="$PGURL/${DB}_s1000000?sslmode=disable"
	log "expiring 100,000 random sessions of the 1,000,000 and cleaning up"
	psql "$big" -qAtc "UPDATE \"session\" SET \"expiresAt\" = now() - interval '1 day'
	     WHERE id IN (SELECT id FROM \"session\" WHERE token <> '$tok' ORDER BY random() LIMIT 100000)" >/dev/null
	psql "$big" -qAtc 'VACUUM ANALYZE "session"' >/dev/null
	{
		echo
		echo "Expired-session cleanup (\`DeleteExpiredSessions\`, 100,000 expired among 1,000,000, no index on expiresAt in Better Auth's schema; session refreshes keep running meanwhile):"
		echo
		echo "    $(DATABASE_URL=$big "$WORK/cleanup")"
	} >>"$WORK/table.md"
fi

# --- password hashing -----------------------------------------------------------------
log "timing scrypt (Go and Node, same parameters)"
GO_SCRYPT=$(go test -run '^$' -bench '^BenchmarkHashPassword$' -benchtime 20x . | awk '/^BenchmarkHashPassword/ {printf "%.1f", $3/1e6}')
NODE_SCRYPT=$(node bench/scrypt.mjs 20 | awk '{print $3}')
{
	echo
	echo "Password hashing (scrypt N=16384 r=16 p=1, 64-byte key, one at a time): Go $GO_SCRYPT ms, Node crypto.scrypt $NODE_SCRYPT ms — $(awk -v g="$GO_SCRYPT" -v n="$NODE_SCRYPT" 'BEGIN{printf "%.2f", g/n}')× Node's time."
} >>"$WORK/table.md"

cat "$WORK/table.md"
mkdir -p "$(dirname "$OUT")"
cp "$WORK/table.md" "$OUT"
log "written to ${OUT#"$ROOT"/}"
