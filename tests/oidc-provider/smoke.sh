#!/usr/bin/env bash
# Developer check for the test OIDC provider (not part of CI).
# Needs node, curl, openssl and `npm ci` having been run in this directory.
# Exits 0 when every step works, otherwise prints what failed and exits 1.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
provider_pid=""

cleanup() {
  exec 3>&- 2>/dev/null || true
  if [[ -n "$provider_pid" ]]; then kill "$provider_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -s "$work/provider.err" ]]; then
    echo "--- provider stderr ---" >&2
    cat "$work/provider.err" >&2
  fi
  exit 1
}
ok() { echo "ok: $*"; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# decode the payload (2nd part) of a JWT as JSON
jwt_payload() { node -e 'process.stdout.write(Buffer.from(process.argv[1].split(".")[1],"base64url").toString())' "$1"; }
jwt_header() { node -e 'process.stdout.write(Buffer.from(process.argv[1].split(".")[0],"base64url").toString())' "$1"; }
# json_get <json> <js expression on o>
json_get() { node -e 'const o=JSON.parse(process.argv[1]); const v=(new Function("o","return ("+process.argv[2]+")"))(o); process.stdout.write(v===undefined?"":(typeof v==="string"?v:JSON.stringify(v)))' "$1" "$2"; }

[[ -d "$here/node_modules/oidc-provider" ]] || fail "run 'npm ci --no-audit --no-fund' in $here first"

# --- throwaway P-256 certificate for 127.0.0.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 || fail "openssl cert"

cat >"$work/config.json" <<'EOF'
{"clients":[{"client_id":"uw-server"}],
 "users":[{"id":"u-ann","username":"ann","password":"ann-pw","email":"ann@carrier.example","name":"Ann Agent","groups":["uw-agents"]}]}
EOF

# --- start the provider with a stdin that stays open (it exits when stdin closes)
mkfifo "$work/stdin"
node "$here/provider.mjs" --config "$work/config.json" --cert "$work/cert.pem" --key "$work/key.pem" \
  <"$work/stdin" >"$work/provider.out" 2>"$work/provider.err" &
provider_pid=$!
exec 3>"$work/stdin"

for _ in $(seq 1 100); do
  [[ -s "$work/provider.out" ]] && break
  kill -0 "$provider_pid" 2>/dev/null || fail "provider exited early"
  sleep 0.1
done
ready="$(head -n1 "$work/provider.out")"
issuer="$(json_get "$ready" 'o.issuer')"
[[ "$issuer" =~ ^https://127\.0\.0\.1:[0-9]+$ ]] || fail "ready line: '$ready'"
ok "ready line $ready"

jar="$work/cookies"
c() { curl -sk --max-time 10 -b "$jar" -c "$jar" "$@"; }

# --- discovery
disco="$(c "$issuer/.well-known/openid-configuration")" || fail "discovery request"
[[ "$(json_get "$disco" 'o.issuer')" == "$issuer" ]] || fail "discovery issuer: $disco"
auth_ep="$(json_get "$disco" 'o.authorization_endpoint')"
token_ep="$(json_get "$disco" 'o.token_endpoint')"
jwks_uri="$(json_get "$disco" 'o.jwks_uri')"
ok "discovery (auth $auth_ep, token $token_ep)"
[[ "$(c "$issuer/__test/health")" == '{"ok":true}' ]] || fail "health"

# --- authorization request with PKCE S256
verifier="$(openssl rand 48 | b64url)"
challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)"
state="st-$(openssl rand -hex 8)"
nonce="n-$(openssl rand -hex 8)"
redirect_uri="http://127.0.0.1:49152/callback"
enc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
auth_url="$auth_ep?client_id=uw-server&response_type=code&scope=$(enc 'openid email profile groups offline_access')&redirect_uri=$(enc "$redirect_uri")&state=$state&nonce=$nonce&code_challenge=$challenge&code_challenge_method=S256"

# one hop: prints "STATUS LOCATION"
hop() { c -o "$work/body" -w '%{http_code} %{redirect_url}' "$@"; }
abs() { if [[ "$1" == /* ]]; then echo "$issuer$1"; else echo "$1"; fi; }

read -r st loc < <(hop "$auth_url")
[[ "$st" == 303 && "$loc" == "$issuer/interaction/"* ]] || fail "authorization request: $st $loc $(cat "$work/body")"
ok "GET /auth -> $st $loc"
login_page="$loc"

read -r st loc < <(hop "$login_page")
[[ "$st" == 200 ]] || fail "login page: $st"
action="$(grep -o 'action="[^"]*"' "$work/body" | head -n1 | sed 's/action="//;s/"$//')"
[[ "$action" == /interaction/*/login ]] || fail "login form action: $(cat "$work/body")"
ok "GET login page -> 200, form action $action"

# wrong password re-renders the form
read -r st loc < <(hop --data-urlencode username=ann --data-urlencode password=wrong "$issuer$action")
[[ "$st" == 200 ]] && grep -q 'name="password"' "$work/body" || fail "wrong password: $st $loc"
ok "wrong password -> 200 form again"

read -r st loc < <(hop --data-urlencode username=ann --data-urlencode password=ann-pw "$issuer$action")
[[ "$st" == 303 ]] || fail "login POST: $st $loc $(cat "$work/body")"
ok "POST login -> $st $loc"

# follow redirects until the loopback callback
for _ in $(seq 1 6); do
  [[ "$loc" == http://127.0.0.1:49152/callback* ]] && break
  read -r st loc < <(hop "$(abs "$loc")")
  [[ "$st" == 302 || "$st" == 303 ]] || fail "redirect chain: $st $loc $(cat "$work/body")"
  ok "-> $st $loc"
done
[[ "$loc" == http://127.0.0.1:49152/callback\?* ]] || fail "never reached loopback callback: $loc"
query="${loc#*\?}"
qget() { node -e 'process.stdout.write(new URLSearchParams(process.argv[1]).get(process.argv[2])??"")' "$query" "$1"; }
code="$(qget code)"
[[ -n "$code" ]] || fail "no code in $loc"
[[ "$(qget state)" == "$state" ]] || fail "state mismatch in $loc"
ok "callback with code and state"

# --- token exchange (public client)
tok="$(c -X POST "$token_ep" --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
  --data-urlencode "redirect_uri=$redirect_uri" --data-urlencode client_id=uw-server \
  --data-urlencode "code_verifier=$verifier")"
id_token="$(json_get "$tok" 'o.id_token')"
refresh_token="$(json_get "$tok" 'o.refresh_token')"
[[ -n "$id_token" ]] || fail "token exchange: $tok"
[[ -n "$refresh_token" ]] || fail "no refresh_token: $tok"
claims="$(jwt_payload "$id_token")"
[[ "$(json_get "$claims" 'o.nonce')" == "$nonce" ]] || fail "nonce: $claims"
[[ "$(json_get "$claims" 'o.aud')" == "uw-server" ]] || fail "aud: $claims"
[[ "$(json_get "$claims" 'o.iss')" == "$issuer" ]] || fail "iss: $claims"
[[ "$(json_get "$claims" 'o.sub')" == "u-ann" ]] || fail "sub: $claims"
[[ "$(json_get "$claims" 'o.email')" == "ann@carrier.example" ]] || fail "email: $claims"
[[ "$(json_get "$claims" 'o.email_verified')" == "true" ]] || fail "email_verified: $claims"
[[ "$(json_get "$claims" 'o.preferred_username')" == "ann" ]] || fail "preferred_username: $claims"
[[ "$(json_get "$claims" 'o.groups')" == '["uw-agents"]' ]] || fail "groups: $claims"
kid1="$(json_get "$(jwt_header "$id_token")" 'o.kid')"
ok "code exchange: id_token claims $claims"

# PKCE is enforced: a request without code_challenge is refused
read -r st loc < <(hop "$auth_ep?client_id=uw-server&response_type=code&scope=openid&redirect_uri=$(enc "$redirect_uri")&state=x")
[[ "$loc" == *error=invalid_request* ]] || fail "missing PKCE accepted: $st $loc"
ok "no PKCE -> invalid_request"

# only the registered loopback redirect (any port) is accepted
read -r st loc < <(hop "$auth_ep?client_id=uw-server&response_type=code&scope=openid&redirect_uri=$(enc 'http://localhost:49152/callback')&state=x&code_challenge=$challenge&code_challenge_method=S256")
[[ "$st" == 400 ]] && grep -q redirect_uri "$work/body" || fail "localhost redirect accepted: $st $loc"
ok "redirect_uri http://localhost:... -> 400"

# --- refresh works
refresh() {
  c -X POST "$token_ep" --data-urlencode grant_type=refresh_token \
    --data-urlencode "refresh_token=$1" --data-urlencode client_id=uw-server
}
r1="$(refresh "$refresh_token")"
rt2="$(json_get "$r1" 'o.refresh_token')"
[[ -n "$(json_get "$r1" 'o.id_token')" && -n "$rt2" ]] || fail "refresh: $r1"
ok "refresh_token grant (rotated: $([[ "$rt2" != "$refresh_token" ]] && echo yes || echo no))"

# --- tamper (audience) on the next refresh
[[ "$(c -X POST -H 'content-type: application/json' -d '{"mode":"audience"}' "$issuer/__test/tamper")" == *'"ok":true'* ]] || fail "tamper call"
r2="$(refresh "$rt2")"
rt3="$(json_get "$r2" 'o.refresh_token')"
t_claims="$(jwt_payload "$(json_get "$r2" 'o.id_token')")"
[[ "$(json_get "$t_claims" 'o.aud')" == "someone-else" ]] || fail "tamper audience: $t_claims"
[[ "$(json_get "$(jwt_header "$(json_get "$r2" 'o.id_token')")" 'o.kid')" == "$kid1" ]] || fail "tamper kid"
ok "tamper audience applied to next token response"
r3="$(refresh "$rt3")"
rt4="$(json_get "$r3" 'o.refresh_token')"
[[ "$(json_get "$(jwt_payload "$(json_get "$r3" 'o.id_token')")" 'o.aud')" == "uw-server" ]] || fail "tamper applied twice"
ok "tamper applied only once"

# --- rotation
rot="$(c -X POST "$issuer/__test/rotate")"
kid2="$(json_get "$rot" 'o.kid')"
[[ -n "$kid2" && "$kid2" != "$kid1" ]] || fail "rotate: $rot"
jwks="$(c "$jwks_uri")"
[[ "$(json_get "$jwks" 'o.keys.map(k=>k.kid).join(",")')" == "$kid2,$kid1" ]] || fail "jwks after rotation: $jwks"
[[ "$(json_get "$jwks" 'o.keys.some(k=>k.d)')" == "false" ]] || fail "jwks leaks private parts"
r4="$(refresh "$rt4")"
rt5="$(json_get "$r4" 'o.refresh_token')"
[[ "$(json_get "$(jwt_header "$(json_get "$r4" 'o.id_token')")" 'o.kid')" == "$kid2" ]] || fail "refresh after rotation: $r4"
ok "rotation: jwks [$kid2, $kid1], new tokens signed with $kid2, refresh token survived"

# --- disable / enable
[[ "$(c -X POST "$issuer/__test/users/ann/disable")" == *'"disabled":true'* ]] || fail "disable call"
r5="$(refresh "$rt5")"
[[ "$(json_get "$r5" 'o.error')" == "invalid_grant" ]] || fail "refresh for disabled user: $r5"
ok "disabled user: refresh -> invalid_grant"
[[ "$(c -X POST "$issuer/__test/users/ann/enable")" == *'"disabled":false'* ]] || fail "enable call"
r6="$(refresh "$rt5")"
[[ -n "$(json_get "$r6" 'o.id_token')" ]] || fail "refresh after enable: $r6"
ok "re-enabled user: refresh works"

# --- stdin close ends the provider
exec 3>&-
for _ in $(seq 1 50); do
  kill -0 "$provider_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$provider_pid" 2>/dev/null && fail "provider still running after stdin closed"
provider_pid=""
[[ "$(wc -l <"$work/provider.out")" == 1 ]] || fail "stdout has more than the ready line: $(cat "$work/provider.out")"
ok "exits on stdin close; stdout had only the ready line"

echo "smoke: all checks passed"
