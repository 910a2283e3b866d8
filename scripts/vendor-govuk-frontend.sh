#!/usr/bin/env bash
# Vendor GOV.UK Frontend's compiled CSS and JS into static/vendor/govuk-frontend/,
# without any GOV.UK branding (no crown, crest, logotype, favicons or GDS Transport).
#
# Usage:  scripts/vendor-govuk-frontend.sh          (normally via `make vendor-govuk-frontend`)
#         GOVUK_FRONTEND_VERSION=5.14.0 SASS_VERSION=1.108.2 scripts/vendor-govuk-frontend.sh
#
# Needs node + npm and access to the npm registry. Installs into a temporary
# directory (never ./node_modules). Re-runnable: the same versions produce
# byte-identical output (VERSION keeps its date unless a version changes).
# See docs/frontend.md.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-5.14.0}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/static/scss/rehome.scss"
OUT="$ROOT/static/vendor/govuk-frontend"

# Upstream LICENSE.txt (alphagov/govuk-frontend). The npm tarball does not ship a
# licence file, only "license": "MIT" in package.json, which we check below.
read -r -d '' MIT_LICENCE <<'LICENCE' || true
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE

die() { echo "vendor-govuk-frontend: $*" >&2; exit 1; }

[[ "$GOVUK_FRONTEND_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || die "GOVUK_FRONTEND_VERSION must be an exact version like 5.14.0 (got '$GOVUK_FRONTEND_VERSION')"
[[ "$SASS_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || die "SASS_VERSION must be an exact version like 1.108.2 (got '$SASS_VERSION')"
[[ -f "$SRC" ]] || die "missing $SRC"
command -v npm >/dev/null || die "npm not found"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION and sass@$SASS_VERSION in $TMP"
printf '{ "name": "rehome-vendor-govuk-frontend", "private": true }\n' >"$TMP/package.json"
(
  cd "$TMP"
  npm install --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION"
)

PKG="$TMP/node_modules/govuk-frontend"
installed="$(node -p "require('$PKG/package.json').version")"
licence="$(node -p "require('$PKG/package.json').license")"
sass_installed="$(node -p "require('$TMP/node_modules/sass/package.json').version")"
[[ "$installed" == "$GOVUK_FRONTEND_VERSION" ]] || die "installed govuk-frontend $installed, wanted $GOVUK_FRONTEND_VERSION"
[[ "$sass_installed" == "$SASS_VERSION" ]] || die "installed sass $sass_installed, wanted $SASS_VERSION"
[[ "$licence" == "MIT" ]] || die "govuk-frontend licence is '$licence', expected MIT: check before vendoring"
JS="$PKG/dist/govuk/govuk-frontend.min.js"
[[ -f "$JS" ]] || die "missing $JS"

# Build into a staging directory, check it, then swap it into place.
STAGE="$TMP/out"
mkdir -p "$STAGE"

"$TMP/node_modules/.bin/sass" \
  --style=compressed --no-source-map --no-charset \
  --load-path="$TMP/node_modules" \
  --quiet-deps --silence-deprecation=import \
  "$SRC" "$STAGE/rehome.min.css"
printf '\n' >>"$STAGE/rehome.min.css"

# ES module build. Drop the sourceMappingURL comment: we do not vendor the map.
sed -e 's|//# sourceMappingURL=[^[:space:]]*$||' "$JS" >"$STAGE/govuk-frontend.min.js"

# No GOV.UK branding and nothing the CSS points at that we do not ship.
css="$STAGE/rehome.min.css"
if grep -qi 'GDS Transport' "$css"; then die "compiled CSS mentions GDS Transport"; fi
if grep -qi '@font-face' "$css"; then die "compiled CSS contains @font-face"; fi
# We vendor no assets, so the CSS must not reference any file (data: URIs are fine).
# (Selectors such as .govuk-footer__crown are harmless: only url()s load things.)
file_urls="$( { grep -oE 'url\([^)]*\)' "$css" || true; } | { grep -vE '^url\(["'\'']?data:' || true; } | sort -u)"
if [[ -n "$file_urls" ]]; then
  echo "$file_urls" >&2
  die "compiled CSS references files (above); vendor them or remove the reference"
fi

# Assets: none. The only images GOV.UK Frontend's CSS can reference are the royal
# crest (footer) and fonts are GDS Transport; both are GOV.UK branding, so no
# assets/ directory is vendored.

printf '%s\n' "$MIT_LICENCE" >"$STAGE/LICENSE"

# Keep the previous date when nothing changed, so re-runs are byte-identical.
date_line="vendored: $(date -u +%Y-%m-%d)"
if [[ -f "$OUT/VERSION" ]] \
  && grep -qx "govuk-frontend $GOVUK_FRONTEND_VERSION" "$OUT/VERSION" \
  && grep -qx "sass $SASS_VERSION" "$OUT/VERSION" \
  && grep -q '^vendored: ' "$OUT/VERSION"; then
  date_line="$(grep '^vendored: ' "$OUT/VERSION")"
fi
{
  echo "govuk-frontend $GOVUK_FRONTEND_VERSION"
  echo "sass $SASS_VERSION"
  echo "$date_line"
  echo "source: https://www.npmjs.com/package/govuk-frontend (MIT); refresh with: make vendor-govuk-frontend"
} >"$STAGE/VERSION"

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
cp -R "$STAGE" "$OUT"

echo "Vendored govuk-frontend $GOVUK_FRONTEND_VERSION into ${OUT#"$ROOT/"}:"
(cd "$OUT" && ls -l)
