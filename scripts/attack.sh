#!/usr/bin/env bash
# Tries every impersonation and escalation we know of against a running, secured ride gateway, with curl only,
# and reads the victims' state back afterwards. Exits 0 only when every attempt failed as it must and nothing
# of the victims' changed; otherwise names each attempt that did not.
#
#   scripts/attack.sh GATEWAY_URL ADMIN_TOKEN_FILE
#
# ./natrix test runs it against the demo's process layout (AttackScriptTest).
set -uo pipefail
GW=${1:?usage: attack.sh GATEWAY_URL ADMIN_TOKEN_FILE}
ADMIN=$(cat "${2:?usage: attack.sh GATEWAY_URL ADMIN_TOKEN_FILE}")
FAILED=0
TRIED=0

json() { # json FIELD: the first string value of FIELD in stdin's JSON
  sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p" | head -1
}
call() { # call METHOD PATH TOKEN [BODY] [extra curl args...]: prints "STATUS BODY"
  local method=$1 path=$2 token=$3 body=${4:-}
  shift 4 2>/dev/null || shift $#
  local args=(-s -o /tmp/attack.$$ -w '%{http_code}' -X "$method" --max-time 10)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  local status
  status=$(curl "${args[@]}" "$@" "$GW$path")
  echo "$status $(cat /tmp/attack.$$ 2>/dev/null)"
}
expect() { # expect WHAT STATUS METHOD PATH TOKEN [BODY] [curl args...]
  local what=$1 want=$2
  shift 2
  local got
  got=$(call "$@")
  TRIED=$((TRIED + 1))
  if [ "${got%% *}" != "$want" ]; then
    echo "ATTACK NOT STOPPED: $what: wanted $want, got $got"
    FAILED=$((FAILED + 1))
  fi
}
sign_up() { # sign_up riders|drivers NAME: prints "ID TOKEN"
  local answer
  answer=$(curl -s --max-time 10 -H 'Content-Type: application/json' -d "{\"name\":\"$2\",\"phone\":\"+972 50 123 4567\"}" "$GW/v1/$1")
  echo "$(echo "$answer" | json id) $(echo "$answer" | json token)"
}
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

read -r VICTIM VICTIM_TOKEN <<<"$(sign_up riders Victim)"
read -r ATTACKER ATTACKER_TOKEN <<<"$(sign_up riders Mallory)"
read -r DRIVER DRIVER_TOKEN <<<"$(sign_up drivers Dana)"
read -r ROGUE ROGUE_TOKEN <<<"$(sign_up drivers Rogue)"
if [ -z "$VICTIM_TOKEN" ] || [ -z "$ATTACKER_TOKEN" ] || [ -z "$DRIVER_TOKEN" ] || [ -z "$ROGUE_TOKEN" ]; then
  echo "attack.sh: sign-ups answered no token: is $GW a secured gateway?"; exit 2
fi

# the victims' state: the driver online at its position (far from everyone, so no ride takes it) and the rider's ride
call POST /v1/drivers/me/availability "$DRIVER_TOKEN" '{"available":true}' >/dev/null
echo '{"lat":32.1500,"lng":34.8500}' | curl -s --max-time 10 -X POST -T - -H "Authorization: Bearer $DRIVER_TOKEN" \
  -H 'Content-Type: application/x-ndjson' "$GW/v1/drivers/me/locations" >/dev/null
RIDE=$(call POST /v1/rides "$VICTIM_TOKEN" '{"lat":32.0500,"lng":34.7500}')
RIDE_ID=$(echo "${RIDE#* }" | json rideId)
[ -n "$RIDE_ID" ] || { echo "attack.sh: the victim could not request a ride: $RIDE"; exit 2; }

# 1. no token, or a token that is not ours
for route in "GET /v1/rides/$RIDE_ID" "GET /v1/users/$VICTIM" "GET /v1/riders/$VICTIM/rides" "POST /v1/rides" \
             "POST /v1/rides/$RIDE_ID/cancel" "GET /v1/drivers/$DRIVER/offers" "GET /dashboard/live" "GET /dashboard"; do
  expect "no token: $route" 401 ${route% *} "${route#* }" "" ""
done
HEADER=$(printf '{"alg":"none","typ":"JWT"}' | b64url)
CLAIMS=$(printf '{"iss":"natrix","aud":"natrix-gateway","sub":"%s","role":"ADMIN","exp":4102444800}' "$ATTACKER" | b64url)
expect "alg none, as admin" 401 GET "/v1/rides/$RIDE_ID" "$HEADER.$CLAIMS."
SIGNED_HEADER=${ATTACKER_TOKEN%%.*}
SIGNATURE=${ATTACKER_TOKEN##*.}
VICTIM_CLAIMS=$(printf '{"iss":"natrix","aud":"natrix-gateway","sub":"%s","role":"RIDER","exp":4102444800}' "$VICTIM" | b64url)
expect "the attacker's signature on the victim's claims" 401 GET "/v1/rides/$RIDE_ID" "$SIGNED_HEADER.$VICTIM_CLAIMS.$SIGNATURE"
expect "garbage token" 401 GET "/v1/rides/$RIDE_ID" "garbage"
expect "a client-set actor header" 401 GET "/v1/rides/$RIDE_ID" "" "" -H "Natrix-Actor: ADMIN:admin"

# 2. a rider acting as another rider
expect "read the victim's ride" 404 GET "/v1/rides/$RIDE_ID" "$ATTACKER_TOKEN"
expect "read it claiming to be admin in a header" 404 GET "/v1/rides/$RIDE_ID" "$ATTACKER_TOKEN" "" -H "Natrix-Actor: ADMIN:admin"
expect "cancel the victim's ride in the victim's name" 404 POST "/v1/rides/$RIDE_ID/cancel" "$ATTACKER_TOKEN" "{\"riderId\":\"$VICTIM\"}"
expect "follow the victim's rides" 403 GET "/v1/riders/$VICTIM/rides" "$ATTACKER_TOKEN" "" --max-time 3
expect "watch nearby as the victim" 403 GET "/v1/riders/$VICTIM/nearby?lat=32.05&lng=34.75" "$ATTACKER_TOKEN" "" --max-time 3
PHONE=$(call GET "/v1/users/$VICTIM" "$ATTACKER_TOKEN")
TRIED=$((TRIED + 1))
case "$PHONE" in
  200*'"phone":"+'*) echo "ATTACK NOT STOPPED: read the victim's phone: $PHONE"; FAILED=$((FAILED + 1)) ;;
  200*) ;;
  *) echo "ATTACK NOT STOPPED (unexpected answer): read the victim's user: $PHONE"; FAILED=$((FAILED + 1)) ;;
esac

# 3. a rider or driver on the other's routes, a driver acting as another driver
expect "a rider posts a driver's position" 403 POST "/v1/drivers/$DRIVER/locations" "$ATTACKER_TOKEN" "" \
  -H 'Content-Type: application/x-ndjson' --data-binary '{"lat":32.05,"lng":34.75}'
expect "a driver posts another driver's position" 403 POST "/v1/drivers/$DRIVER/locations" "$ROGUE_TOKEN" "" \
  -H 'Content-Type: application/x-ndjson' --data-binary '{"lat":32.05,"lng":34.75}'
expect "a driver reads another driver's offers" 403 GET "/v1/drivers/$DRIVER/offers" "$ROGUE_TOKEN" "" --max-time 3
expect "a driver sets another driver's availability" 403 POST "/v1/drivers/$DRIVER/availability" "$ROGUE_TOKEN" '{"available":false}'
expect "a driver accepts the ride in another driver's name" 404 POST "/v1/rides/$RIDE_ID/answer" "$ROGUE_TOKEN" \
  "{\"driverId\":\"$DRIVER\",\"accept\":true}"
expect "a driver picks up a ride not its own" 404 POST "/v1/rides/$RIDE_ID/pickup" "$ROGUE_TOKEN" "{\"driverId\":\"$DRIVER\"}"
expect "a driver requests a ride" 403 POST /v1/rides "$ROGUE_TOKEN" '{"lat":32.05,"lng":34.75}'
expect "a rider answers an offer" 403 POST "/v1/rides/$RIDE_ID/answer" "$ATTACKER_TOKEN" '{"accept":true}'

# 4. escalation to the admin's pages
expect "a rider opens the dashboard" 403 GET /dashboard "$ATTACKER_TOKEN"
expect "a rider logs into the dashboard and reads it" 403 GET /dashboard/live "" "" --max-time 3 \
  -H "Cookie: natrix_token=$ATTACKER_TOKEN"
expect "the cookie on an API route" 401 GET "/v1/rides/$RIDE_ID" "" "" -H "Cookie: natrix_token=$ADMIN"

# 5. the victims' state, read back by the victims and the admin
AFTER=$(call GET "/v1/rides/$RIDE_ID" "$VICTIM_TOKEN")
TRIED=$((TRIED + 1))
case "$AFTER" in
  200*"\"riderId\":\"$VICTIM\""*'"status":"CANCELLED"'*) echo "ATTACK NOT STOPPED: the victim's ride was cancelled: $AFTER"; FAILED=$((FAILED + 1)) ;;
  200*"\"riderId\":\"$VICTIM\""*) ;;
  *) echo "ATTACK NOT STOPPED: the victim cannot read its ride as it was: $AFTER"; FAILED=$((FAILED + 1)) ;;
esac
case "$(call GET "/v1/rides/$RIDE_ID" "$ADMIN")" in
  200*) ;;
  *) echo "the admin cannot read the victim's ride"; FAILED=$((FAILED + 1)) ;;
esac
NEARBY=$(curl -s -N --max-time 4 -H "Authorization: Bearer $VICTIM_TOKEN" -H 'Accept: text/event-stream' \
  "$GW/v1/riders/me/nearby?lat=32.1500&lng=34.8500&radiusMeters=500")
TRIED=$((TRIED + 1))
case "$NEARBY" in
  *"\"driverId\":\"$DRIVER\",\"lat\":32.15,\"lng\":34.85"*) ;;
  *) echo "ATTACK NOT STOPPED: the driver is not where it said it was: $(echo "$NEARBY" | head -c 400)"; FAILED=$((FAILED + 1)) ;;
esac
curl -s --max-time 10 -H "Authorization: Bearer $VICTIM_TOKEN" -H 'Content-Type: application/json' -d '{}' \
  "$GW/v1/rides/$RIDE_ID/cancel" >/dev/null # the victim's own: it ends its ride

# 6. a flood from one rider: 429 with Retry-After for it, and the victim is served meanwhile
URLS=()
for _ in $(seq 1 100); do URLS+=(-o /dev/null "$GW/v1/users/$ATTACKER"); done
# all at once (a sequential loop on a slow machine could stay under the limit): each answer's status and Retry-After
STATUSES=$(curl -s --parallel --parallel-max 100 --max-time 30 -w '%{http_code} retry-after=%header{retry-after}\n' \
  -H "Authorization: Bearer $ATTACKER_TOKEN" "${URLS[@]}")
LIMITED=0
echo "$STATUSES" | grep -Eq '^429 retry-after=[0-9]+$' && LIMITED=1
TRIED=$((TRIED + 1))
[ "$LIMITED" = 1 ] || { echo "ATTACK NOT STOPPED: 100 requests at once from one rider, none answered 429 with Retry-After"; FAILED=$((FAILED + 1)); }
expect "the victim, during the attacker's flood" 200 GET "/v1/users/$VICTIM" "$VICTIM_TOKEN"

rm -f /tmp/attack.$$
if [ "$FAILED" -gt 0 ]; then
  echo "attack.sh: $FAILED of $TRIED attempts were not stopped"
  exit 1
fi
echo "attack.sh: every attack failed ($TRIED attempts), and the victims' ride and position are as they left them"
