#!/bin/sh
# Print the HTML sources of holdout6 to PDF with headless Chromium (one at a time).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DOCS="$HERE/../docs"
mkdir -p "$DOCS"
for name in sv-02-norrlinn-overenskommelse sv-03-vallby-riktlinje-elevhalsa-bup sv-04-sydmark-handlingsplan-bildspel en-05-lochardie-joint-strategy en-07-fjellvik-cooperation-agreement; do
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$DOCS/$name.pdf" "file://$HERE/$name.html" 2>/dev/null
done
ls -l "$DOCS"
