#!/usr/bin/env bash
# Deployment smoke test of target/taskq.war on Payara Server, Payara Micro and WildFly.
#
# For each server: start it with SMTP_HOST, SMTP_PORT, MAIL_FROM and REDIS_URL in its environment, create the mail
# session with that server's script in server-config/ (no other configuration), deploy the WAR, submit once through
# the REST API and once through the Faces form, wait until both mails arrived and both tasks are 'succeeded',
# undeploy, check that no taskq-* Redis connection and no consumer is left, stop the server.
#
# Prints exactly one line per server on stdout and exits 1 if any server failed:
#   SMOKE payara-server PASS start=24.1s deploy=9.8s smoke=2.3s undeploy=2.9s
#   SMOKE wildfly FAIL <reason>
# Progress and, on failure, the tail of the server's log go to stderr.
#
# Run it after `./mvnw verify` (or `./mvnw package`), which leaves target/taskq.war. It needs JDK 17, Maven Central
# (servers, GreenMail and redis-server come through ./mvnw and the Maven local repository, so they are downloaded
# once), curl and unzip (installed with apt-get when missing). It writes only under target/smoke/:
#   dist/  the unpacked servers, GreenMail and redis-server, kept between runs (delete it for a cold start);
#   run/   this run's server state and logs, recreated on every run.
#
# Settings (environment variables, defaults in brackets):
#   SMOKE_SERVERS             servers to test ["payara-server payara-micro wildfly"]
#   SMOKE_REDIS_PORT          test Redis [36379]
#   SMOKE_SMTP_PORT           test SMTP server (GreenMail) [33025]
#   SMOKE_MAIL_API_PORT       GreenMail's REST API, used to read the received mails [38025]
#   SMOKE_PAYARA_PORTBASE     Payara Server domain's port base: HTTP = base+80, admin = base+48, ... [38000]
#   SMOKE_MICRO_PORT          Payara Micro HTTP port [38180]
#   SMOKE_WILDFLY_PORT_OFFSET WildFly port offset: HTTP = 8080+offset, management = 9990+offset [30200]
#   SMOKE_TASK_TIMEOUT        seconds to wait for both mails and tasks [60]
#   SMOKE_LEFTOVER_WAIT       seconds to wait, after undeploy, for connections and consumers to go away [5]
set -euo pipefail
cd "$(dirname "$0")/.."
readonly ROOT=$PWD

# --- Settings -------------------------------------------------------------------------------------------------------
readonly PAYARA_GAV=fish.payara.distributions:payara:6.2025.9:zip
readonly MICRO_GAV=fish.payara.extras:payara-micro:6.2025.10
readonly WILDFLY_GAV=org.wildfly:wildfly-dist:38.0.1.Final:zip
readonly GREENMAIL_GAV=com.icegreen:greenmail-standalone:2.1.13
readonly EMBEDDED_REDIS_GAV=com.github.codemonstur:embedded-redis:1.4.4
readonly DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0

readonly SERVERS=${SMOKE_SERVERS:-payara-server payara-micro wildfly}
readonly REDIS_PORT=${SMOKE_REDIS_PORT:-36379}
readonly SMTP_PORT_=${SMOKE_SMTP_PORT:-33025}
readonly MAIL_API_PORT=${SMOKE_MAIL_API_PORT:-38025}
readonly PAYARA_PORTBASE=${SMOKE_PAYARA_PORTBASE:-38000}
readonly MICRO_PORT=${SMOKE_MICRO_PORT:-38180}
readonly WILDFLY_OFFSET=${SMOKE_WILDFLY_PORT_OFFSET:-30200}
readonly TASK_TIMEOUT=${SMOKE_TASK_TIMEOUT:-60}
readonly LEFTOVER_WAIT=${SMOKE_LEFTOVER_WAIT:-5}

readonly WAR=$ROOT/target/taskq.war
readonly SMOKE=$ROOT/target/smoke
readonly DIST=$SMOKE/dist
readonly RUN=$SMOKE/run
readonly MAIL_API=http://127.0.0.1:$MAIL_API_PORT
RUN_ID=$(date +%s)
readonly RUN_ID

# --- Helpers --------------------------------------------------------------------------------------------------------

log() { echo "smoke: $*" >&2; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Milliseconds as seconds with one decimal: 12345 -> 12.3s
secs() { printf '%d.%ds' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

# True when something accepts connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sends one command to the test Redis and prints the reply (RESP, without CR); no redis-cli needed.
redis_cmd() {
    local fd reply
    exec {fd}<>"/dev/tcp/127.0.0.1/$REDIS_PORT"
    printf '%s\r\nQUIT\r\n' "$*" >&"$fd"
    reply=$(timeout 5 cat <&"$fd" | tr -d '\r')
    exec {fd}>&-
    printf '%s\n' "${reply%$'\n'+OK}"
}

# Copies one artifact from the Maven local repository (downloading it from Maven Central the first time) into $2.
mvn_copy() {
    mkdir -p "$2" "$SMOKE/tmp"
    MAVEN_OPTS="${MAVEN_OPTS:-} -Djava.io.tmpdir=$SMOKE/tmp" \
        "$ROOT/mvnw" -q -B "$DEPENDENCY_PLUGIN:copy" -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.stripVersion=true >&2
}

# Makes $DIST/$1 hold artifact $2 (a zip is unpacked), once: a .complete marker skips it on later runs.
# (Each step checks its own result: callers may run it where set -e does not apply.)
fetch() {
    local gav=$2 dest=$DIST/$1
    [[ -f $dest/.complete ]] && return 0
    log "fetching $gav"
    rm -rf "$dest" "$dest.part" "$SMOKE/downloads" && mkdir -p "$dest.part" || return 1
    if [[ $gav == *:zip ]]; then
        mvn_copy "$gav" "$SMOKE/downloads" || return 1
        unzip -q "$SMOKE/downloads/"*.zip -d "$dest.part" || return 1
        rm -rf "$SMOKE/downloads"
    else
        mvn_copy "$gav" "$dest.part" || return 1
    fi
    touch "$dest.part/.complete" && mv "$dest.part" "$dest"
}

# Installs curl and unzip when missing (Debian; needs root).
install_tools() {
    local missing=() tool
    for tool in curl unzip; do command -v "$tool" >/dev/null || missing+=("$tool"); done
    ((${#missing[@]} == 0)) && return 0
    log "installing ${missing[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# --- Test Redis and test SMTP server --------------------------------------------------------------------------------

REDIS_PID='' GREENMAIL_PID=''

# redis-server from the embedded-redis jar the build uses (a Linux binary for amd64 or arm64).
start_redis() {
    local binary
    case "$(uname -m)" in
        x86_64) binary=redis-server-6.2.6-v5-linux-amd64 ;;
        aarch64) binary=redis-server-6.2.7-linux-arm64 ;;
        *) log "no redis-server for $(uname -m) in $EMBEDDED_REDIS_GAV"; return 1 ;;
    esac
    fetch embedded-redis "$EMBEDDED_REDIS_GAV" || return 1
    if [[ ! -x $DIST/embedded-redis/redis-server ]]; then
        unzip -p "$DIST/embedded-redis/embedded-redis.jar" "$binary" > "$DIST/embedded-redis/redis-server.part" \
            && chmod +x "$DIST/embedded-redis/redis-server.part" \
            && mv "$DIST/embedded-redis/redis-server.part" "$DIST/embedded-redis/redis-server" || return 1
    fi
    mkdir -p "$RUN/redis" || return 1
    "$DIST/embedded-redis/redis-server" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --dir "$RUN/redis" > "$RUN/redis/redis.log" 2>&1 &
    REDIS_PID=$!
    local _
    for _ in $(seq 50); do
        [[ $(redis_cmd PING 2>/dev/null) == +PONG ]] && return 0
        sleep 0.2
    done
    log "test Redis did not answer PING"; return 1
}

# GreenMail standalone: SMTP for the servers, and its REST API to read each recipient's mails.
start_greenmail() {
    fetch greenmail "$GREENMAIL_GAV" && mkdir -p "$RUN/greenmail/tmp" || return 1
    java -Djava.io.tmpdir="$RUN/greenmail/tmp" -Dgreenmail.auth.disabled \
        -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT_" \
        -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$MAIL_API_PORT" \
        -jar "$DIST/greenmail/greenmail-standalone.jar" > "$RUN/greenmail/greenmail.log" 2>&1 &
    GREENMAIL_PID=$!
    local _
    for _ in $(seq 100); do
        curl -sf --max-time 2 "$MAIL_API/api/service/readiness" >/dev/null && return 0
        sleep 0.2
    done
    log "GreenMail did not get ready"; return 1
}

stop_infrastructure() {
    local pid
    for pid in $GREENMAIL_PID $REDIS_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$SMOKE/tmp"
}

# --- Steps shared by all servers (they run inside a server's subshell; see run_server) ------------------------------

# Records why this server failed and ends its subshell.
fail() {
    [[ -f $DIR/result ]] || echo "FAIL $*" > "$DIR/result"
    exit 1
}

# Fails unless all of these ports are free.
require_free_ports() {
    local port
    for port in "$@"; do
        port_in_use "$port" && fail "port $port is already in use (see the SMOKE_* port settings)"
    done
    return 0
}

# The Location header of a curl -D dump, without CR.
location_of() { sed -n 's/^[Ll]ocation: *//p' "$1" | tr -d '\r'; }

# A field of a flat JSON object: json_field status < file
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }

# Submits through the REST API; prints the task id.
submit_rest() {
    local base=$1 email=$2 code id
    code=$(curl -sS --max-time 30 -D "$DIR/rest.headers" -o "$DIR/rest.body" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        --data "{\"name\":\"Smoke REST\",\"email\":\"$email\",\"message\":\"REST smoke test on $SERVER\"}" \
        "$base/api/submissions") || fail "REST submission: no answer"
    [[ $code == 202 ]] || fail "REST submission answered $code: $(head -c 300 "$DIR/rest.body")"
    id=$(location_of "$DIR/rest.headers" | sed -n 's|.*/api/tasks/\([0-9a-f-]\{36\}\)$|\1|p')
    [[ -n $id ]] || fail "REST submission: unexpected Location '$(location_of "$DIR/rest.headers")'"
    echo "$id"
}

# Submits through the Faces form like a browser without JavaScript; prints the task id.
submit_form() {
    local base=$1 email=$2 origin code action view_state id
    origin=$(sed -E 's|^(https?://[^/]+).*|\1|' <<< "$base")
    # GET the page: the session cookie, the form's action and its view state.
    code=$(curl -sS --max-time 30 -c "$DIR/cookies" -b "$DIR/cookies" -o "$DIR/index.html" -w '%{http_code}' "$base/") \
        || fail "form page: no answer"
    [[ $code == 200 ]] || fail "form page answered $code"
    action=$(grep -o '<form id="form"[^>]*' "$DIR/index.html" | sed -n 's/.* action="\([^"]*\)".*/\1/p')
    view_state=$(grep -o 'name="jakarta.faces.ViewState"[^>]*' "$DIR/index.html" | sed -n 's/.* value="\([^"]*\)".*/\1/p')
    [[ -n $action && -n $view_state ]] || fail "form page: no form action or jakarta.faces.ViewState"
    # POST the form: expect a redirect to the confirmation page.
    code=$(curl -sS --max-time 30 -c "$DIR/cookies" -b "$DIR/cookies" -D "$DIR/form.headers" -o "$DIR/form.body" \
        -w '%{http_code}' --data-urlencode form=form --data-urlencode 'form:name=Smoke Form' \
        --data-urlencode "form:email=$email" --data-urlencode "form:message=Form smoke test on $SERVER" \
        --data-urlencode 'form:send=Send message' --data-urlencode "jakarta.faces.ViewState=$view_state" \
        "$origin$action") || fail "form POST: no answer"
    [[ $code == 302 ]] || fail "form POST answered $code, not a redirect: $(grep -o 'field-error">[^<]*' "$DIR/form.body" | head -3)"
    id=$(location_of "$DIR/form.headers" | sed -n 's|.*/submitted\.xhtml?id=\([0-9a-f-]\{36\}\)$|\1|p')
    [[ -n $id ]] || fail "form POST redirected to '$(location_of "$DIR/form.headers")', not submitted.xhtml?id=…"
    # GET the confirmation page: it names the task.
    code=$(curl -sS --max-time 30 -b "$DIR/cookies" -o "$DIR/submitted.html" -w '%{http_code}' "$base/submitted.xhtml?id=$id") \
        || fail "confirmation page: no answer"
    if [[ $code != 200 ]] || ! grep -q "<code id=\"task-id\">$id</code>" "$DIR/submitted.html"; then
        fail "confirmation page answered $code without the task id"
    fi
    echo "$id"
}

# How many mails recipient $1 got (GreenMail knows a recipient only from its first mail on).
mail_count() { curl -s --max-time 10 "$MAIL_API/api/user/$1/messages/INBOX" | grep -o '"uid":' | wc -l || true; }

# Succeeds when task $2 is 'succeeded' and recipient $3 got exactly one mail, whose Message-ID is the task's result.
delivered() {
    local base=$1 id=$2 email=$3 task status result mails count
    task=$(curl -s --max-time 10 "$base/api/tasks/$id") || return 1
    status=$(json_field status <<< "$task")
    [[ $status == dead ]] && fail "task $id is dead: $task"
    [[ $status == succeeded ]] || return 1
    result=$(json_field result <<< "$task")
    mails=$(curl -s --max-time 10 "$MAIL_API/api/user/$email/messages/INBOX") || return 1
    count=$(grep -o '"uid":' <<< "$mails" | wc -l || true)
    (( count <= 1 )) || fail "$count mails to $email for one submission"
    (( count == 1 )) || return 1
    [[ $(json_field Message-ID <<< "$mails") == "$result" ]] \
        || fail "mail to $email has Message-ID $(json_field Message-ID <<< "$mails"), task result is '$result'"
    grep -q "To: $email" <<< "$mails" || fail "mail to $email lacks 'To: $email'"
}

# The smoke test proper: one REST and one form submission, each must end as one mail and a succeeded task.
smoke_app() {
    local base=$1 rest_email="rest-$SERVER-$RUN_ID@smoke.test" form_email="form-$SERVER-$RUN_ID@smoke.test"
    local rest_id form_id deadline
    rest_id=$(submit_rest "$base" "$rest_email")
    form_id=$(submit_form "$base" "$form_email")
    deadline=$(( $(date +%s) + TASK_TIMEOUT ))
    until delivered "$base" "$rest_id" "$rest_email" && delivered "$base" "$form_id" "$form_email"; do
        (( $(date +%s) < deadline )) || fail "after ${TASK_TIMEOUT}s: REST task $(curl -s "$base/api/tasks/$rest_id" || true)" \
            "form task $(curl -s "$base/api/tasks/$form_id" || true)" \
            "mails to the REST address: $(mail_count "$rest_email"), to the form address: $(mail_count "$form_email")"
        sleep 0.5
    done
}

# After undeploy: no taskq-* Redis connection, no registered consumer, heartbeat or processing list, and (given the
# server's pid) no thread named taskq-consumer-*. Waits up to SMOKE_LEFTOVER_WAIT seconds (less than the heartbeat's
# 10 s TTL, so an expired heartbeat cannot hide a consumer that was not released).
check_no_leftovers() {
    local pid=${1:-} deadline clients consumers keys threads
    deadline=$(( $(date +%s) + LEFTOVER_WAIT ))
    while :; do
        clients=$(redis_cmd CLIENT LIST | grep -o 'name=taskq-[^ ]*' | tr '\n' ' ' || true)
        consumers=$(redis_cmd SCARD '{taskq}:consumers')
        keys=$( { redis_cmd KEYS '{taskq}:heartbeat:*'; redis_cmd KEYS '{taskq}:processing:*'; } | grep '^{' | tr '\n' ' ' || true)
        threads=''
        if [[ -n $pid ]] && command -v jcmd >/dev/null; then
            threads=$(jcmd "$pid" Thread.print 2>/dev/null | grep -o '^"taskq-consumer-[^"]*"' | tr '\n' ' ' || true)
        fi
        [[ -z $clients && $consumers == :0 && -z $keys && -z $threads ]] && return 0
        (( $(date +%s) < deadline )) || break
        sleep 0.5
    done
    fail "left after undeploy: Redis clients [${clients}] registered consumers ${consumers#:} keys [${keys}] threads [${threads}]"
}

# The server's environment: what server-config/ reads (SMTP_*, MAIL_FROM) and the application's REDIS_URL.
export_server_environment() {
    export SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT_ MAIL_FROM="Taskq Smoke <smoke@taskq.test>"
    export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
    local name
    unset SMTP_USER SMTP_PASSWORD
    # No TASKQ_* setting from the caller's environment: the application's defaults.
    for name in $(compgen -e TASKQ_ || true); do unset "$name"; done
}

# --- Payara Server --------------------------------------------------------------------------------------------------

smoke_payara_server() {
    local http=$((PAYARA_PORTBASE + 80)) admin=$((PAYARA_PORTBASE + 48)) offset template t asadmin out
    for offset in 9 37 38 39 48 49 59 66 76 80 81 86; do require_free_ports $((PAYARA_PORTBASE + offset)); done
    fetch payara-server "$PAYARA_GAV"
    asadmin=$DIST/payara-server/payara6/bin/asadmin
    # asadmin keeps a cache in the user's home: give it one under target/.
    export AS_EXTRA_JAVA_OPTS="-Duser.home=$DIR/home"
    # A domain of our own with all ports moved by the port base, created once (it takes ~15 s) and copied per run.
    template=$DIST/payara-domain-$PAYARA_PORTBASE
    if [[ ! -f $template/.complete ]]; then
        log "payara-server: creating the domain template"
        rm -rf "$template"
        timeout 300 "$asadmin" create-domain --nopassword --portbase "$PAYARA_PORTBASE" --domaindir "$template" smoke \
            > "$DIR/create-domain.log" 2>&1 || fail "create-domain failed: $(head -3 "$DIR/create-domain.log")"
        touch "$template/.complete"
    fi
    cp -a "$template" "$DIR/domains"
    LOG_FILE=$DIR/domains/smoke/logs/server.log
    # Start the domain; it inherits this environment (SMTP_*, MAIL_FROM, REDIS_URL).
    export_server_environment
    t=$(now_ms)
    timeout 300 "$asadmin" start-domain --timeout 240 --domaindir "$DIR/domains" smoke > "$DIR/asadmin.log" 2>&1 \
        || fail "start-domain failed: $(tail -3 "$DIR/asadmin.log")"
    START_MS=$(( $(now_ms) - t ))
    SERVER_PID=$(cat "$DIR/domains/smoke/config/pid")
    # Configure: the project's asadmin file creates the mail session.
    out=$(timeout 120 "$asadmin" --port "$admin" multimode --file "$ROOT/server-config/payara/create-mail-session.asadmin" 2>&1) \
        || fail "server-config/payara/create-mail-session.asadmin failed: $out"
    grep -q 'Mail Resource mail/taskq created.' <<< "$out" || fail "mail session not created: $out"
    # Deploy at the root context.
    t=$(now_ms)
    out=$(timeout 300 "$asadmin" --port "$admin" deploy --contextroot / --name taskq "$WAR" 2>&1) || fail "deploy failed: $out"
    DEPLOY_MS=$(( $(now_ms) - t ))
    t=$(now_ms)
    smoke_app "http://127.0.0.1:$http"
    SMOKE_MS=$(( $(now_ms) - t ))
    # Undeploy, then nothing of the application may be left.
    t=$(now_ms)
    out=$(timeout 120 "$asadmin" --port "$admin" undeploy taskq 2>&1) || fail "undeploy failed: $out"
    UNDEPLOY_MS=$(( $(now_ms) - t ))
    check_no_leftovers "$SERVER_PID"
}

stop_payara_server() {
    [[ -n ${SERVER_PID:-} ]] && kill -0 "$SERVER_PID" 2>/dev/null || return 0
    timeout 120 "$DIST/payara-server/payara6/bin/asadmin" stop-domain --domaindir "$DIR/domains" smoke > "$DIR/stop.log" 2>&1 \
        && wait_for_exit "$SERVER_PID" 30 || { log "payara-server: stop-domain failed, killing it"; kill -KILL "$SERVER_PID"; } || true
}

# --- Payara Micro ---------------------------------------------------------------------------------------------------

smoke_payara_micro() {
    local t total deployed_in
    require_free_ports "$MICRO_PORT"
    fetch payara-micro "$MICRO_GAV"
    mkdir -p "$DIR/tmp"
    LOG_FILE=$DIR/micro.log
    # Start with the project's asadmin file as post-boot commands (creates the mail session) and the WAR at /.
    # No clustering; its own root directory and temporary directory under target/.
    export_server_environment
    t=$(now_ms)
    java -Djava.io.tmpdir="$DIR/tmp" -jar "$DIST/payara-micro/payara-micro.jar" --nocluster --port "$MICRO_PORT" \
        --rootdir "$DIR/root" --postbootcommandfile "$ROOT/server-config/payara/create-mail-session.asadmin" \
        --deploy "$WAR" --contextroot / > "$LOG_FILE" 2>&1 &
    SERVER_PID=$!
    # Ready when it logs "ready in"; its "Deployed 1 archive(s)" is logged even for a failed deployment.
    until grep -q 'Payara Micro .* ready in' "$LOG_FILE" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || fail "Payara Micro exited during start"
        # Seen once: Micro logged "Failed to start, exiting" but its JVM kept running.
        grep -q 'Failed to start, exiting' "$LOG_FILE" 2>/dev/null && fail "Payara Micro failed to start (see the log below)"
        (( $(now_ms) - t < 240000 )) || fail "Payara Micro not ready after 240s"
        sleep 0.5
    done
    total=$(( $(now_ms) - t ))
    grep -q 'Boot Command create-javamail-resource returned with result SUCCESS' "$LOG_FILE" \
        || fail "server-config/payara/create-mail-session.asadmin: create-javamail-resource did not succeed"
    # Micro starts and deploys in one go: deploy is the time it logs for the WAR, start the rest.
    deployed_in=$(sed -n 's/.*taskq was successfully deployed in \([0-9,]*\) milliseconds.*/\1/p' "$LOG_FILE" | tr -d ,)
    [[ -n $deployed_in ]] || fail "the WAR was not deployed"
    DEPLOY_MS=$deployed_in START_MS=$(( total - deployed_in ))
    t=$(now_ms)
    smoke_app "http://127.0.0.1:$MICRO_PORT"
    SMOKE_MS=$(( $(now_ms) - t ))
    # Micro without clustering has no admin channel to undeploy: stopping it (SIGTERM) undeploys the WAR.
    t=$(now_ms)
    kill -TERM "$SERVER_PID"
    wait_for_exit "$SERVER_PID" 60 || fail "Payara Micro did not stop within 60s of SIGTERM"
    UNDEPLOY_MS=$(( $(now_ms) - t ))
    check_no_leftovers
}

stop_payara_micro() {
    [[ -n ${SERVER_PID:-} ]] && kill -0 "$SERVER_PID" 2>/dev/null || return 0
    kill -TERM "$SERVER_PID"
    wait_for_exit "$SERVER_PID" 60 || { kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; } || true
}

# --- WildFly --------------------------------------------------------------------------------------------------------

smoke_wildfly() {
    local home http=$((8080 + WILDFLY_OFFSET)) management=$((9990 + WILDFLY_OFFSET)) port t out
    for port in 8009 8080 8443 9990 9993 4712 4713; do require_free_ports $((port + WILDFLY_OFFSET)); done
    fetch wildfly "$WILDFLY_GAV"
    home=$(echo "$DIST"/wildfly/wildfly-*)
    # A fresh copy of the standalone configuration for this run, the distribution stays untouched.
    cp -a "$home/standalone" "$DIR/base"
    LOG_FILE=$DIR/base/log/server.log
    CLI=("$home/bin/jboss-cli.sh" -c "--controller=127.0.0.1:$management")
    # Start with the port offset, bound to 127.0.0.1; it inherits this environment (SMTP_*, MAIL_FROM, REDIS_URL).
    export_server_environment
    t=$(now_ms)
    LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE=$DIR/wildfly.pid "$home/bin/standalone.sh" \
        -Djboss.server.base.dir="$DIR/base" -Djboss.socket.binding.port-offset="$WILDFLY_OFFSET" \
        -b 127.0.0.1 -bmanagement 127.0.0.1 > "$DIR/console.log" 2>&1 &
    LAUNCHER_PID=$!
    until grep -q 'WFLYSRV0025' "$DIR/console.log" 2>/dev/null; do
        grep -q 'WFLYSRV0026' "$DIR/console.log" 2>/dev/null && fail "WildFly started with errors"
        kill -0 "$LAUNCHER_PID" 2>/dev/null || fail "WildFly exited during start"
        (( $(now_ms) - t < 240000 )) || fail "WildFly not started after 240s"
        sleep 0.2
    done
    START_MS=$(( $(now_ms) - t ))
    SERVER_PID=$(cat "$DIR/wildfly.pid")
    # Configure: the project's CLI script creates the mail session and reloads the server.
    out=$(timeout 180 "${CLI[@]}" --file="$ROOT/server-config/wildfly/create-mail-session.cli" 2>&1) \
        || fail "server-config/wildfly/create-mail-session.cli failed: $out"
    grep -q '"outcome" => "failed"' <<< "$out" && fail "server-config/wildfly/create-mail-session.cli: $out"
    # Deploy (runtime name taskq.war, so the context root is /taskq).
    t=$(now_ms)
    out=$(timeout 300 "${CLI[@]}" --command="deploy $WAR" 2>&1) || fail "deploy failed: $out"
    DEPLOY_MS=$(( $(now_ms) - t ))
    t=$(now_ms)
    smoke_app "http://127.0.0.1:$http/taskq"
    SMOKE_MS=$(( $(now_ms) - t ))
    # Undeploy, then nothing of the application may be left.
    t=$(now_ms)
    out=$(timeout 120 "${CLI[@]}" --command="undeploy taskq.war" 2>&1) || fail "undeploy failed: $out"
    UNDEPLOY_MS=$(( $(now_ms) - t ))
    check_no_leftovers "$SERVER_PID"
}

stop_wildfly() {
    [[ -n ${LAUNCHER_PID:-} ]] && kill -0 "$LAUNCHER_PID" 2>/dev/null || return 0
    timeout 60 "${CLI[@]}" --command=":shutdown" > "$DIR/stop.log" 2>&1 || log "wildfly: :shutdown failed"
    wait_for_exit "$LAUNCHER_PID" 60 || { kill -KILL "${SERVER_PID:-$LAUNCHER_PID}" "$LAUNCHER_PID" 2>/dev/null; wait "$LAUNCHER_PID" 2>/dev/null; } || true
}

# --- Driver ---------------------------------------------------------------------------------------------------------

# Waits up to $2 seconds for process $1 (a child of this shell) to end.
wait_for_exit() {
    local _
    for _ in $(seq $(( $2 * 5 ))); do
        kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
        sleep 0.2
    done
    return 1
}

# Runs one server's smoke test in a subshell of its own (so that set -e works there and one failure does not stop
# the others); its EXIT trap stops the server whatever happened. Prints the server's SMOKE line; sets FAILED=1 when
# it did not pass. (Do not call it after if, || or &&: bash would ignore set -e inside.)
FAILED=0
run_server() {
    SERVER=$1 DIR=$RUN/$1
    mkdir -p "$DIR"
    local fn=${SERVER//-/_} result
    if ! declare -F "smoke_$fn" >/dev/null; then
        echo "SMOKE $SERVER FAIL unknown server (known: payara-server payara-micro wildfly)"; FAILED=1; return 0
    fi
    log "$SERVER: starting"
    set +e
    (
        set -eEuo pipefail
        shopt -s inherit_errexit
        LOG_FILE='' SERVER_PID=''
        trap 'fail "line $LINENO: \"$BASH_COMMAND\" failed"' ERR
        trap '"stop_$fn"; if [[ ! -f $DIR/result ]] || grep -q ^FAIL "$DIR/result"; then
                  [[ -n $LOG_FILE && -f $LOG_FILE ]] && { log "$SERVER: last lines of $LOG_FILE:"; tail -n 40 "$LOG_FILE" | sed "s/^/    /" >&2; }
              fi' EXIT
        "smoke_$fn"
        echo "PASS start=$(secs "$START_MS") deploy=$(secs "$DEPLOY_MS") smoke=$(secs "$SMOKE_MS") undeploy=$(secs "$UNDEPLOY_MS")" > "$DIR/result"
    )
    set -e
    result=$(cat "$DIR/result" 2>/dev/null || echo "FAIL no result (see $DIR)")
    echo "SMOKE $SERVER $result"
    [[ $result == PASS* ]] || FAILED=1
}

main() {
    local began server
    began=$(now_ms)
    # Every server fails alike when the WAR or the test infrastructure is missing.
    fail_all() {
        for server in $SERVERS; do echo "SMOKE $server FAIL $*"; done
        exit 1
    }
    [[ -f $WAR ]] || fail_all "target/taskq.war not found: run ./mvnw verify first"
    rm -rf "$RUN" && mkdir -p "$RUN"
    install_tools || fail_all "could not install curl and unzip"
    trap stop_infrastructure EXIT
    port_in_use "$REDIS_PORT" && fail_all "port $REDIS_PORT (SMOKE_REDIS_PORT) is already in use"
    port_in_use "$SMTP_PORT_" && fail_all "port $SMTP_PORT_ (SMOKE_SMTP_PORT) is already in use"
    port_in_use "$MAIL_API_PORT" && fail_all "port $MAIL_API_PORT (SMOKE_MAIL_API_PORT) is already in use"
    start_redis || fail_all "test Redis did not start (see $RUN/redis/redis.log)"
    start_greenmail || fail_all "GreenMail did not start (see $RUN/greenmail/greenmail.log)"
    log "test Redis on 127.0.0.1:$REDIS_PORT, GreenMail SMTP on 127.0.0.1:$SMTP_PORT_ (API $MAIL_API)"
    for server in $SERVERS; do
        # Each server starts from an empty Redis.
        redis_cmd FLUSHALL >/dev/null
        run_server "$server"
    done
    log "done in $(secs $(( $(now_ms) - began )))"
    return "$FAILED"
}

main "$@"
