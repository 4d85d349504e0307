#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the home page, a story
# and a search, with Debian's Chromium. Prints figures; asserts nothing (target ≥ 95 each, SEO
# aside on the search page, which is noindex on purpose).
#
#   bench/lighthouse.sh                  # serves the sample content itself (gunicorn, 2 workers)
#   bench/lighthouse.sh http://host:port # or measures a running site
#   PRESET=desktop bench/lighthouse.sh   # desktop instead of Lighthouse's default (mobile)
#
# Lighthouse (npm lighthouse@12.8.x) is installed on first use into bench/.node (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_PATH
LIGHTHOUSE=bench/.node/node_modules/.bin/lighthouse

if [ ! -x "$LIGHTHOUSE" ]; then
  mkdir -p bench/.node
  npm install --prefix bench/.node --no-audit --no-fund --silent lighthouse@12.8.x
fi
[ -x "$CHROME_PATH" ] || { echo "Chromium is missing at $CHROME_PATH (apt-get install -y chromium)" >&2; exit 1; }

work=$(mktemp -d /tmp/bench-lighthouse-XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

base=${1:-}
if [ -z "$base" ]; then
  export FLASK_APP=showcase DATABASE_URL="sqlite:///$work/site.sqlite3" MEDIA_ROOT="$work/media" \
    SEARCH_INDEX_DIR="$work/index" SECRET_KEY=lighthouse
  for step in "db upgrade" "content import content" "search rebuild"; do
    # shellcheck disable=SC2086  # the step is words on purpose
    "$PYTHON" -m flask $step >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; exit 1; }
  done
  port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$PYTHON" -m gunicorn -w 2 -b "127.0.0.1:$port" --log-level warning "showcase:create_app()" &
  server=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/" && break; sleep 0.2; done
fi

story=$(curl -fs "$base/bai-viet" | grep -o 'href="/bai-viet/[a-z0-9-]*"' | head -n 1 | cut -d'"' -f2)
[ -n "$story" ] || { echo "no story found on $base/bai-viet" >&2; exit 1; }

preset=()
[ -n "${PRESET:-}" ] && preset=(--preset="$PRESET")

printf '%-36s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
for path in / "$story" "/tim-kiem?q=nong+thon+moi"; do
  curl -fs -o /dev/null "$base$path"  # warm the page first
  "$LIGHTHOUSE" "$base$path" --quiet --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices,seo "${preset[@]}" \
    --output=json --output-path="$work/report.json" >/dev/null 2>"$work/lighthouse.log" \
    || { cat "$work/lighthouse.log" >&2; exit 1; }
  "$PYTHON" - "$work/report.json" "$path" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
scores = [report["categories"][c]["score"] for c in ("performance", "accessibility", "best-practices", "seo")]
shown = ["-" if s is None else f"{s * 100:.0f}" for s in scores]
print(f"{sys.argv[2][:36]:36s} {shown[0]:>12s} {shown[1]:>14s} {shown[2]:>15s} {shown[3]:>6s}")
def detail(audit):
    items = (audit.get("details") or {}).get("items") or []
    shown = [i.get("url") or (i.get("sourceLocation") or {}).get("url") or i.get("description") for i in items[:2]]
    shown = [x[:90] for x in shown if isinstance(x, str)]
    value = audit.get("displayValue") or ""
    return " — ".join(x for x in [value, *shown] if x)


lost = [
    f"    {a['id']}: {a['title']}" + (f" ({detail(a)})" if detail(a) else "")
    for c in report["categories"].values()
    if c["score"] is not None and c["score"] < 1
    for ref in c["auditRefs"]
    if ref["weight"] > 0
    for a in [report["audits"][ref["id"]]]
    if a["score"] is not None and a["score"] < 1
]
print("\n".join(lost[:8]))
EOF
done
