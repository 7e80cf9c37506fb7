#!/bin/sh
# Rebuild the vendored GOV.UK Frontend assets in ../static/govuk/.
# Usage (from anywhere):  sh frontend/build.sh     (or: cd frontend && npm run build)
# Requires: npm install (in frontend/) to have been run once.
set -eu

cd "$(dirname "$0")"
OUT=../static/govuk
SRC=node_modules/govuk-frontend/dist/govuk

if [ ! -d "$SRC" ]; then
  echo "govuk-frontend not installed: run 'npm install' in frontend/ first" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/assets"

# 1. CSS: Arial, no GDS Transport @font-face, relative asset paths, no source map.
npx --no-install sass \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --silence-deprecation=import \
  --load-path=node_modules/govuk-frontend/dist \
  app.scss "$OUT/govuk-frontend.min.css"

# 2. JS (ES module bundle used via <script type="module">), without source map.
cp "$SRC/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"

# 3. Images only. No fonts (Arial is a system font). The GOV.UK web app
#    manifest.json and the assets/rebrand/ directory are not referenced by the
#    compiled CSS, and are GOV.UK-branded, so they are deliberately not copied.
cp -R "$SRC/assets/images" "$OUT/assets/images"

# 4. Strip any sourceMappingURL comments (the .map files are not vendored, and
#    ManifestStaticFilesStorage would fail on the missing references).
for f in "$OUT/govuk-frontend.min.css" "$OUT/govuk-frontend.min.js"; do
  sed -i.bak -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' -e 's#//[#@] sourceMappingURL=.*$##' "$f"
  rm -f "$f.bak"
done

# 5. Record the version we vendored.
node -e 'console.log("govuk-frontend " + require("./node_modules/govuk-frontend/package.json").version)' > "$OUT/VERSION"

# 6. Sanity checks: every url(...) in the CSS must exist relative to the CSS file.
status=0
for u in $(grep -o 'url([^)]*)' "$OUT/govuk-frontend.min.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" | sort -u); do
  case "$u" in
    data:*|http:*|https:*|//*|\#*) continue ;;
  esac
  path="${u%%[?#]*}"
  if [ ! -f "$OUT/$path" ]; then
    echo "MISSING asset referenced by CSS: $u" >&2
    status=1
  fi
done
if grep -q 'sourceMappingURL' "$OUT/govuk-frontend.min.css" "$OUT/govuk-frontend.min.js"; then
  echo "sourceMappingURL still present" >&2
  status=1
fi
if grep -qi 'GDS Transport' "$OUT/govuk-frontend.min.css"; then
  echo "GDS Transport still referenced in CSS" >&2
  status=1
fi

du -ab "$OUT" | sort -n | tail -20
exit $status
