"""Fill deploy/nginx.conf's @@NAME@@ places: `python deploy/render_nginx.py OUT [NAME=value …]`.

Defaults suit one machine (paths of this checkout, gunicorn on 127.0.0.1:5000, port 80); give
TLS_CERT and TLS_KEY to listen on 443 with TLS as well (HSTS is then sent over https only).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
PLACE = re.compile(r"@@([A-Z_]+)@@")


def defaults() -> dict[str, str]:
    upload_mb = int(float(os.environ.get("MAX_UPLOAD_MB", "25")))
    return {
        "USER": "www-data",
        "RUN_DIR": "/run/showcase-nginx",
        "LOG_DIR": "/var/log/nginx",
        "MIME_TYPES": "/etc/nginx/mime.types",
        "UPSTREAM": "127.0.0.1:5000",
        "HTTP_LISTEN": "80",
        "HTTPS_LISTEN": "443",
        "SERVER_NAME": "_",
        "STATIC_ROOT": str(ROOT / "static"),
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(ROOT / "instance" / "media")),
        "MAX_BODY_MB": str(upload_mb + 1),  # the app's own limit (MAX_CONTENT_LENGTH) is upload + 1 MB
        "TLS_CERT": "",
        "TLS_KEY": "",
    }


def render(values: dict[str, str]) -> str:
    """The template with every place filled; an unknown or empty required place is an error."""
    values = dict(values)
    if values.get("TLS_CERT") and values.get("TLS_KEY"):
        values["TLS_LISTEN"] = (
            f"listen {values['HTTPS_LISTEN']} ssl;\n"
            f"        ssl_certificate {values['TLS_CERT']};\n"
            f"        ssl_certificate_key {values['TLS_KEY']};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;"
        )
    else:
        values["TLS_LISTEN"] = "# no TLS here (give TLS_CERT and TLS_KEY to listen with https)"
    text = TEMPLATE.read_text("utf-8")
    missing = sorted({name for name in PLACE.findall(text) if not values.get(name)})
    if missing:
        raise ValueError("thiếu giá trị cho " + ", ".join(missing))
    return PLACE.sub(lambda m: values[m.group(1)], text)


def main(argv: list[str]) -> int:
    if not argv or "=" in argv[0]:
        names = ", ".join(f"{k}={v or '…'}" for k, v in defaults().items())
        usage = "Cách dùng: python deploy/render_nginx.py TỆP_RA [TÊN=giá_trị …]"
        print(f"{usage}; mặc định: {names}", file=sys.stderr)
        return 2
    values = defaults()
    for item in argv[1:]:
        name, eq, value = item.partition("=")
        if not eq or name not in values:
            print(f"Lỗi: không có tham số «{name}» (có: {', '.join(values)}).", file=sys.stderr)
            return 2
        values[name] = value
    try:
        Path(argv[0]).write_text(render(values), "utf-8")
    except (ValueError, OSError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
