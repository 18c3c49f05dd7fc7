"""Run the repository's nginx config (deploy/nginx/testimonials.conf.template)
with Debian's nginx from a folder of its own: `make bench` measures it and
tests/test_nginx_config.py reads its access log."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "testimonials.conf.template"


def write_local_config(
    prefix: Path,
    *,
    upstream: str,
    listen: str,
    cache_dir: Path,
    access_log: str,
    workers: str = "1",
    connections: int = 64,
    http_extra: str = "",
) -> Path:
    """Fill the template as the nginx image does from its environment, and
    write an nginx.conf around it under `prefix` (its logs, pid and temporary
    files there too). Returns the nginx.conf to pass with `-p prefix -c`."""
    for folder in ("conf", "logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (prefix / "conf" / "testimonials.conf").write_text(
        TEMPLATE.read_text()
        .replace("${TESTIMONIALS_UPSTREAM}", upstream)
        .replace("${NGINX_PORT}", listen)
        .replace("${NGINX_CACHE_DIR}", str(cache_dir))
        .replace("${NGINX_ACCESS_LOG}", access_log)
    )
    temp = prefix / "temp"
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = prefix / "conf" / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include testimonials.conf;
{http_extra}}}
"""
    )
    return config
