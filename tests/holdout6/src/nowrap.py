"""Guard against hyphenated line breaks and page-split sentences in the PDF sources (idempotent)."""
import re, sys
from pathlib import Path
CSS = ".nw { white-space: nowrap; }\np, li, td, th { break-inside: avoid; }\n"
for name in sys.argv[1:]:
    p = Path(name); s = p.read_text(encoding="utf-8")
    if ".nw {" not in s:
        s = s.replace("</style>", CSS + "</style>", 1)
    head, body = s.split("<body>", 1)
    body, tail = body.split("</body>", 1)
    parts = re.split(r"(<[^>]+>)", body)
    out = []
    skip = False
    for part in parts:
        if part.startswith("<"):
            skip = part.startswith('<span class="nw"')
            out.append(part); continue
        if not skip:
            part = re.sub(r"(\w+)- (och|eller) ", r'<span class="nw">\1- \2</span> ', part)
            part = re.sub(r"(?<![\w-])(\w+(?:-\w+)+)(?![\w-])", r'<span class="nw">\1</span>', part)
        out.append(part)
    p.write_text(head + "<body>" + "".join(out) + "</body>" + tail, encoding="utf-8")
    print(name, s.count("-&nbsp;") , "".join(out).count('class="nw"'))
