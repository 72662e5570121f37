#!/usr/bin/env bash
# Fetch the real-world module corpus: a Debian amd64 kernel image package, unpacked.
# Idempotent. Everything is cached OUTSIDE the repository in
#   ${MODSCOPE_CACHE:-$HOME/.cache/modscope}
# Layout:
#   $CACHE/linux-image-*-amd64-unsigned_*.deb   the downloaded package (reused if present)
#   $CACHE/corpus/lib/modules/<ver>/kernel/...  the extracted .ko files
#   $CACHE/corpus/.stamp                        "<deb file name>" once extraction completed
# Prints the corpus path and module count. The last line of stdout is the corpus directory
# (machine-readable: CORPUS_DIR=...).
set -euo pipefail

PKG_DEFAULT="linux-image-6.1.0-50-amd64-unsigned"
PKG="${MODSCOPE_KERNEL_PKG:-$PKG_DEFAULT}"
CACHE="${MODSCOPE_CACHE:-$HOME/.cache/modscope}"
CORPUS="$CACHE/corpus"
STAMP="$CORPUS/.stamp"

log() { printf 'fetch-corpus: %s\n' "$*" >&2; }

mkdir -p "$CACHE"

find_deb() {
  # newest matching .deb already in the cache (by version sort)
  local pattern="$1"
  # shellcheck disable=SC2012
  ls -1 "$CACHE"/${pattern}_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true
}

newest_unsigned_pkg() {
  # the newest linux-image-<ver>-amd64-unsigned package apt knows about
  apt-cache search --names-only '^linux-image-[0-9].*-amd64-unsigned$' 2>/dev/null \
    | awk '{print $1}' | grep -vE -- '-(cloud|rt)-amd64-unsigned$' | sort -V | tail -n 1
}

download() {
  local pkg="$1"
  ( cd "$CACHE" && apt-get download "$pkg" ) >&2
}

DEB="$(find_deb "$PKG")"
if [[ -z "$DEB" ]]; then
  log "downloading $PKG into $CACHE"
  if ! download "$PKG"; then
    log "download failed; running apt-get update and retrying"
    apt-get update >&2 || log "apt-get update failed (continuing)"
    if ! download "$PKG"; then
      ALT="$(newest_unsigned_pkg)"
      if [[ -z "$ALT" ]]; then
        log "no linux-image-*-amd64-unsigned package found by apt-cache search"
        exit 1
      fi
      log "$PKG unavailable; falling back to $ALT"
      apt-cache policy "$ALT" >&2 || true
      PKG="$ALT"
      DEB="$(find_deb "$PKG")"
      [[ -n "$DEB" ]] || download "$PKG"
    fi
  fi
  DEB="$(find_deb "$PKG")"
  [[ -n "$DEB" ]] || { log "download produced no .deb for $PKG"; exit 1; }
else
  log "reusing $DEB"
fi

DEB_NAME="$(basename "$DEB")"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$DEB_NAME" ]]; then
  log "corpus already extracted from $DEB_NAME"
else
  log "extracting $DEB_NAME into $CORPUS"
  TMP="$CACHE/corpus.tmp.$$"
  rm -rf "$TMP"
  mkdir -p "$TMP"
  trap 'rm -rf "$TMP"' EXIT
  dpkg-deb -x "$DEB" "$TMP"
  # keep only the modules (and modules.* metadata) — drop vmlinuz, System.map, config, ...
  find "$TMP" -mindepth 1 -maxdepth 1 ! -name lib -exec rm -rf {} +
  rm -rf "$CORPUS"
  mv "$TMP" "$CORPUS"
  trap - EXIT
  printf '%s\n' "$DEB_NAME" > "$STAMP"
fi

COUNT="$(find "$CORPUS" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | wc -l)"
MODDIR="$(ls -1d "$CORPUS"/lib/modules/* 2>/dev/null | head -n 1)"
echo "corpus: $CORPUS"
echo "modules: $COUNT (from $DEB_NAME)"
echo "CORPUS_DIR=$MODDIR"
