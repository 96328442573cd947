#!/usr/bin/env bash
# Builds the image from this checkout and checks that it works as the README says: runs as user node, becomes
# ready (the HEALTHCHECK's /health/ready), answers a ZDS bericht, keeps its data on the volume across a restart,
# and stops with exit code 0 on SIGTERM.
#
# Usage: deploy/container-smoke.sh
#   ENGINE=docker|podman          default: whichever is installed
#   SCHEMAS=<folder or two zips>  the official VNG schema package to build with (default ../shared/zds/schemas
#                                 when present, else the image downloads the official zips)
#   PORT=18080                    where the container listens on this machine (host networking)
#   DATABASE_URL=postgres://...   run it on this (empty) PostgreSQL database instead of SQLite on the volume
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE="${ENGINE:-$(command -v podman || command -v docker || true)}"
[ -n "$ENGINE" ] || { echo "container-smoke: no podman or docker found" >&2; exit 1; }
PORT="${PORT:-18080}"
SCHEMAS="${SCHEMAS:-$([ -d ../shared/zds/schemas ] && echo ../shared/zds/schemas || true)}"
IMAGE=zaakpoort:smoke
NAME="zaakpoort-smoke-$$"
VOLUME="zaakpoort-smoke-$$"
ctx="$(mktemp -d)"
cleanup() {
  "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true
  "$ENGINE" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$ctx"
}
trap cleanup EXIT
step() { echo "container-smoke: $*"; }
fail() { echo "container-smoke: FAILED: $*" >&2; "$ENGINE" logs "$NAME" 2>&1 | tail -20 >&2 || true; exit 1; }

# The build context: the checkout's files (tracked and new, not ignored) plus the schema package.
git ls-files -co --exclude-standard -z | tar --null -T - -c | tar -x -C "$ctx"
if [ -n "$SCHEMAS" ]; then
  IFS=, read -ra parts <<<"$SCHEMAS"
  for p in "${parts[@]}"; do
    if [ -d "$p" ]; then cp -a "$p/." "$ctx/docker/schemas/"; else cp "$p" "$ctx/docker/schemas/"; fi
  done
fi
step "building $IMAGE with $ENGINE"
# podman writes OCI images by default, which have no HEALTHCHECK: ask for the Docker format.
format=()
case "$(basename "$ENGINE")" in podman) format=(--format docker) ;; esac
"$ENGINE" build "${format[@]}" --network host -t "$IMAGE" "$ctx" >"$ctx/build.log" 2>&1 || { tail -30 "$ctx/build.log" >&2; fail "build"; }

user="$("$ENGINE" image inspect --format '{{.Config.User}}' "$IMAGE")"
[ "$user" = node ] || fail "the image runs as '$user', not as node"

start() {
  local db=()
  [ -z "${DATABASE_URL:-}" ] || db=(-e "ZAAKPOORT_DATABASE_URL=$DATABASE_URL")
  "$ENGINE" run -d --name "$NAME" --network host -e PORT="$PORT" -e HOST=127.0.0.1 "${db[@]}" \
    -v "$VOLUME:/var/lib/zaakpoort" "$IMAGE" >/dev/null
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "not ready within 60 s"
}

# genereerZaakIdentificatie (ZDS 1.2): the Du02 carries the next identificatie from the counter on the volume.
genereer() {
  curl -fsS "http://127.0.0.1:$PORT/zds" -H 'Content-Type: text/xml; charset=utf-8' \
    -H 'SOAPAction: "http://www.stufstandaarden.nl/koppelvlak/zds0120/genereerZaakIdentificatie_Di02"' \
    --data-binary @- <<EOF | grep -o '<ZKN:identificatie>[^<]*</ZKN:identificatie>' | sed 's/<[^>]*>//g'
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ZDS:genereerZaakIdentificatie_Di02 xmlns:ZDS="http://www.stufstandaarden.nl/koppelvlak/zds0120" xmlns:StUF="http://www.egem.nl/StUF/StUF0301">
<ZDS:stuurgegevens><StUF:berichtcode>Di02</StUF:berichtcode>
<StUF:zender><StUF:organisatie>0000</StUF:organisatie><StUF:applicatie>SMOKE</StUF:applicatie></StUF:zender>
<StUF:ontvanger><StUF:organisatie>0000</StUF:organisatie><StUF:applicatie>Zaakpoort</StUF:applicatie></StUF:ontvanger>
<StUF:referentienummer>smoke-$1</StUF:referentienummer><StUF:tijdstipBericht>20261202120000000</StUF:tijdstipBericht>
<StUF:functie>genereerZaakidentificatie</StUF:functie></ZDS:stuurgegevens>
</ZDS:genereerZaakIdentificatie_Di02></soap:Body></soap:Envelope>
EOF
}

step "starting it"
start
first="$(genereer 1)"
[ -n "$first" ] || fail "no identificatie in the Du02"
step "answered a Du02 with identificatie $first"

step "stopping it with SIGTERM"
"$ENGINE" stop -t 40 "$NAME" >/dev/null
code="$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$NAME")"
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
"$ENGINE" rm "$NAME" >/dev/null

step "starting it again on the same volume"
start
second="$(genereer 2)"
[ -n "$second" ] && [ "$second" != "$first" ] || fail "the counter did not survive the restart ($first, then $second)"
step "answered $second after the restart"
# The image's own HEALTHCHECK command, run inside the container.
case "$(basename "$ENGINE")" in
  podman) "$ENGINE" healthcheck run "$NAME" >/dev/null || fail "the HEALTHCHECK reports unhealthy" ;;
  *) "$ENGINE" exec "$NAME" node -e "fetch('http://127.0.0.1:$PORT/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" \
       || fail "the HEALTHCHECK command reports unhealthy" ;;
esac
step "HEALTHCHECK healthy: $("$ENGINE" image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE")"
step "passed"
