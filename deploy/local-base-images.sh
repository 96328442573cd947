#!/usr/bin/env bash
# Builds local stand-ins for the two base images the Dockerfile names (node:24-bookworm, node:24-bookworm-slim),
# for a build machine that reaches Debian's mirror and the npm registry but no image registry. Each is a
# debootstrap'ed Debian 12 with Node 24 from the npm registry (package node-linux-<arch>, the real binary and
# headers), npm 11 and a user `node` (uid 1000) as in the official images; the build one also has the compilers
# better-sqlite3 needs. Where the official images can be pulled, do not use this.
#
# Usage (as root): deploy/local-base-images.sh
#   ENGINE=docker|podman     default: whichever is installed
#   EXTRA_CA=<pem file>      a site CA to trust inside the images (an intercepting proxy in front of the npm
#                            registry); default: $NODE_EXTRA_CA_CERTS when set
set -euo pipefail

ENGINE="${ENGINE:-$(command -v podman || command -v docker || true)}"
[ -n "$ENGINE" ] || { echo "local-base-images: no podman or docker found" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "local-base-images: debootstrap is needed (apt-get install debootstrap)" >&2; exit 1; }
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
EXTRA_CA="${EXTRA_CA:-${NODE_EXTRA_CA_CERTS:-}}"
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "local-base-images: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Node and npm as tarballs from the npm registry.
(cd "$work" && npm pack --silent "node-linux-${ARCH}@24" "npm@11" >/dev/null)
node_tgz="$(ls "$work"/node-linux-*.tgz)"
npm_tgz="$(ls "$work"/npm-*.tgz)"

make_image() { # <name> <extra debian packages>
  local name="$1" include="$2" root="$work/root-$1"
  debootstrap --variant=minbase --include="$include" bookworm "$root" "$MIRROR" >/dev/null
  mkdir -p "$root/usr/local/lib/node_modules/npm" "$root/tmp/node"
  tar -xzf "$node_tgz" -C "$root/tmp/node" --strip-components=1
  cp -a "$root/tmp/node/bin/." "$root/usr/local/bin/"
  cp -a "$root/tmp/node/include" "$root/usr/local/"
  rm -rf "$root/tmp/node"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chroot "$root" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  local ca_env=()
  if [ -n "$EXTRA_CA" ]; then
    cp "$EXTRA_CA" "$root/usr/local/share/ca-certificates/site-extra.crt"
    chroot "$root" update-ca-certificates >/dev/null 2>&1
    # Node keeps its own root list: tell it about the site CA too (npm, and Zaakpoort's own outgoing calls).
    ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
  fi
  chroot "$root" sh -c 'apt-get clean && rm -rf /var/lib/apt/lists/*'
  tar -C "$root" -c . | "$ENGINE" import "${ca_env[@]}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "docker.io/library/node:$name" >/dev/null
  echo "built node:$name"
}

make_image 24-bookworm-slim ca-certificates
make_image 24-bookworm ca-certificates,python3,make,g++,git
