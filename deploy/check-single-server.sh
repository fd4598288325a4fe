#!/usr/bin/env bash
# Check a single-server Ulinzi the way docs/deployment.md sets one up, on loopback:
# PostgreSQL, `ulinzi serve` and `ulinzi worker` with deploy/ulinzi.env's settings,
# nginx with deploy/nginx.conf in front, over HTTPS with a certificate made here by a
# CA made here. Then: health, the HTTP→HTTPS redirect, HSTS, signing in through the
# proxy (CSRF over HTTPS, no redirect loop), the body-size limit, metrics access,
# a backup. Everything lives in a temporary folder and is removed at the end.
#
#   deploy/check-single-server.sh [PYTHON_ENV]      (default: ./.venv)
# Needs: nginx, openssl, curl, PostgreSQL at $PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${1:-$ROOT/.venv}
ULINZI=$VENV/bin/ulinzi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
NAME=ulinzi.test
WORK=$(mktemp -d /tmp/ulinzi-check.XXXXXX)
DB=ulz_check_$$
PIDS=()
pass=0

say() { printf '%s\n' "$*"; }
ok() { pass=$((pass + 1)); say "ok   $*"; }
fail() { say "FAIL $*"; exit 1; }
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in nginx openssl curl psql; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
APP_PORT=$(free_port); HTTPS_PORT=$(free_port); HTTP_PORT=$(free_port)

# 1. A CA and a server certificate for $NAME, made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Ulinzi check CA" \
    -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$NAME" \
    -keyout "$WORK/privkey.pem" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s\n' "$NAME" > "$WORK/san.ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
    -CAcreateserial -days 2 -extfile "$WORK/san.ext" -out "$WORK/fullchain.pem" 2>/dev/null
chmod 644 "$WORK/fullchain.pem" "$WORK/privkey.pem"
ok "certificate for $NAME signed by a CA made here"

# 2. The production settings of deploy/ulinzi.env, pointed at this folder.
psql "$PG_URL" -qc "CREATE DATABASE $DB" >/dev/null
set -a
# shellcheck source=/dev/null
. <(grep -E '^[A-Z_]+=' "$ROOT/deploy/ulinzi.env" | sed -E 's/^([A-Z_]+)=(.*)$/\1="\2"/')
set +a
export ULINZI_DATA_DIR=$WORK/var ULINZI_KEYS_FILE=$WORK/var/keys.json
export DATABASE_URL=${PG_URL%/*}/$DB
ULINZI_SECRET_KEY=$(openssl rand -base64 48); export ULINZI_SECRET_KEY
export ULINZI_ALLOWED_HOSTS=$NAME ULINZI_SITE_URL=https://$NAME:$HTTPS_PORT
export ULINZI_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
ULINZI_MONITORING_TOKEN=$(openssl rand -hex 16); export ULINZI_MONITORING_TOKEN
export ULINZI_LOG_LEVEL=warning

"$ULINZI" manage migrate --verbosity 0
"$ULINZI" manage check --deploy --fail-level WARNING >/dev/null && ok "check --deploy clean"
"$ULINZI" manage shell -c "
from ulinzi.accounts import services as a
org = a.ensure_organisation(code='ministry', name='Ministry', kind='government')
a.ensure_user(username='coordinator', password='check-password-1', organisation=org, roles=['coordinator'])
" >/dev/null

# 3. The web process, a worker, and nginx with deploy/nginx.conf on loopback ports.
"$ULINZI" serve --port "$APP_PORT" > "$WORK/web.log" 2>&1 & PIDS+=($!)
"$ULINZI" worker > "$WORK/worker.log" 2>&1 & PIDS+=($!)
mkdir -p "$WORK/nginx"
sed -e "s/ulinzi.example.org/$NAME/g" \
    -e "s#/etc/ssl/ulinzi/#$WORK/#g" \
    -e "s/server 127.0.0.1:8000;/server 127.0.0.1:$APP_PORT;/" \
    -e "s/listen 443 ssl http2;/listen 127.0.0.1:$HTTPS_PORT ssl http2;/" \
    -e "s/listen 80;/listen 127.0.0.1:$HTTP_PORT;/" \
    -e "/listen \[::\]/d" \
    -e "s#https://\$host\$request_uri#https://\$host:$HTTPS_PORT\$request_uri#" \
    "$ROOT/deploy/nginx.conf" > "$WORK/nginx/site.conf"
cat > "$WORK/nginx/nginx.conf" <<EOF
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/site.conf;
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t 2>/dev/null || nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
ok "nginx runs deploy/nginx.conf on 127.0.0.1:$HTTPS_PORT (HTTPS) and :$HTTP_PORT (HTTP)"

CURL=(curl -sS --max-time 60 --cacert "$WORK/ca.pem"
      --resolve "$NAME:$HTTPS_PORT:127.0.0.1" --resolve "$NAME:$HTTP_PORT:127.0.0.1")
BASE=https://$NAME:$HTTPS_PORT

# 4. What a user and an operator meet.
for _ in $(seq 120); do
    body=$("${CURL[@]}" "$BASE/api/v1/health" 2>/dev/null || true)
    case $body in *'"status": "ok"'*) break ;; esac
    sleep 1
done
case $body in *'"status": "ok"'*) ok "health over HTTPS: $body" ;; *) fail "health: $body" ;; esac

code=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$NAME:$HTTP_PORT/login/")
[[ $code == "301 https://$NAME:$HTTPS_PORT/login/" ]] && ok "HTTP redirects to HTTPS" || fail "HTTP: $code"

headers=$("${CURL[@]}" -D - -o /dev/null "$BASE/login/")
grep -q '^HTTP/[0-9.]* 200' <<<"$headers" || fail "login page over HTTPS: $headers"
grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" || fail "no HSTS: $headers"
ok "login page over HTTPS answers 200 (no redirect loop) with HSTS"

jar=$WORK/cookies
page=$("${CURL[@]}" -c "$jar" "$BASE/login/")
csrf=$(sed -nE 's/.*name="csrfmiddlewaretoken" value="([^"]+)".*/\1/p' <<<"$page" | head -1)
code=$("${CURL[@]}" -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    -e "$BASE/login/" --data-urlencode "csrfmiddlewaretoken=$csrf" \
    --data-urlencode username=coordinator --data-urlencode password=check-password-1 "$BASE/login/")
[[ $code == 302* && $code != *"/login/"* ]] || fail "sign-in through the proxy: $code"
grep -qP "\tTRUE\t[0-9]+\tsessionid\t" "$jar" || fail "session cookie not Secure: $(cat "$jar")"
code=$("${CURL[@]}" -b "$jar" -o /dev/null -w '%{http_code}' "$BASE/alerts/")
[[ $code == 200 ]] && ok "signed in through the proxy (CSRF over HTTPS); session cookie Secure" \
    || fail "signed-in page: $code"

head -c $((65 * 1024 * 1024)) /dev/zero > "$WORK/big"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$jar" -H 'Content-Type: application/octet-stream' \
    --data-binary "@$WORK/big" "$BASE/imports/" || true)
[[ $code == 413 ]] && ok "a 65 MB body is refused by nginx (413)" || fail "large body: $code"

code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/metrics")
[[ $code == 401 ]] || fail "metrics without the token: $code"
metrics=$("${CURL[@]}" -H "Authorization: Bearer $ULINZI_MONITORING_TOKEN" "$BASE/metrics")
grep -q '^ulinzi_workers_alive 1' <<<"$metrics" && ok "metrics: 401 without the token, workers_alive 1 with it" \
    || fail "metrics: $(head -c 500 <<<"$metrics")"

printf 'a passphrase for the check only\n' > "$WORK/passphrase"
"$ULINZI" backup --output "$WORK/ulinzi.backup" --passphrase-file "$WORK/passphrase" >/dev/null \
    && ok "backup written ($(stat -c %s "$WORK/ulinzi.backup") bytes)"

say "all $pass checks passed"
