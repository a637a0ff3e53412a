#!/usr/bin/env bash
# Builds the container-function template image without any registry: a root filesystem holding Debian's static
# busybox (package busybox-static), the function script and its start script, tarred and fed to `docker import`.
# Usage: build.sh [IMAGE:TAG]   (default granary-examples/busybox-function:latest)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${1:-granary-examples/busybox-function:latest}"
busybox="${BUSYBOX:-/usr/bin/busybox}"
[ -x "$busybox" ] || { echo "build.sh: $busybox not found; install busybox-static (scripts/install-deps.sh does)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build.sh: $busybox is dynamically linked; the image needs a static one (Debian package busybox-static)" >&2
  exit 1
fi
command -v docker >/dev/null || { echo "build.sh: docker not found; install docker.io (scripts/install-deps.sh does)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/bin" "$root/www/cgi-bin" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh httpd wget head tail cat tr sed mkdir mktemp mv rm sleep kill; do
  ln -s busybox "$root/bin/$applet"
done
install -m 755 "$here/function.sh" "$root/www/cgi-bin/function"
install -m 755 "$here/start.sh" "$root/start.sh"
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/rootfs.tar" .

docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["/bin/sh", "/start.sh"]' \
  --change 'LABEL granary.function.base_path=/cgi-bin/function' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "built $image"
