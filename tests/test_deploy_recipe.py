"""The district deployment recipe (deploy/, docs/district.md) says what the app needs.

Read as files: nginx's sticky upstream, WebSocket upgrade, upload limit and forwarded headers;
the compose file's store and shared secrets for every app server; the systemd unit's
environment, restart and hardening. Where nginx is installed, the configuration is also
checked by nginx itself and served on loopback in front of two small stand-in servers.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from collabplan import config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx.conf"
COMPOSE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "systemd" / "collabplan@.service"
SECRETS_IN_CONTAINER = "/app/.streamlit/secrets.toml"
STORE_URL = re.compile(r"^postgresql://collabplan:[^@]+@db:5432/collabplan$")


# --- nginx configuration, read as nginx reads it --------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None
    parent: Directive | None = field(default=None, repr=False)

    def all(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def one(self, name: str) -> Directive:
        found = self.all(name)
        assert len(found) == 1, f"expected one {name} in {self.name} {self.args}, got {found}"
        return found[0]

    def walk(self):
        for child in self.block or []:
            yield child
            yield from child.walk()


_TOKEN = re.compile(r"""\s+|\#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"'#]+)""")


def _tokens(text: str) -> list[str]:
    """nginx's tokens: words, quoted strings (unquoted), and the three separators."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match, f"cannot read nginx.conf at {text[pos:pos + 40]!r}"
        pos = match.end()
        double, single, separator, word = match.groups()
        if double is not None or single is not None:
            out.append(double if double is not None else single)
        elif separator or word:
            out.append(separator or word)
    return out


def parse_nginx(text: str) -> Directive:
    """The configuration as a tree of directives under a root (the http context)."""
    root = Directive("http", [], [])
    stack = [root]
    words: list[str] = []
    for token in _tokens(text):
        if token == ";":
            stack[-1].block.append(Directive(words[0], words[1:], None, stack[-1]))
            words = []
        elif token == "{":
            block = Directive(words[0], words[1:], [], stack[-1])
            stack[-1].block.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            assert not words, f"directive without ';' before '}}': {words}"
            stack.pop()
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced braces in nginx.conf"
    return root


def headers_sent(location: Directive) -> dict[str, str]:
    """The proxy_set_header a location sends: its own, else the nearest level that has some."""
    level: Directive | None = location
    while level is not None:
        own = level.all("proxy_set_header")
        if own:
            return {d.args[0].lower(): d.args[1] for d in own}
        level = level.parent
    return {}


def nginx_size(value: str) -> int:
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    match = re.fullmatch(r"(\d+)([kmg]?)", value.lower())
    assert match, f"not an nginx size: {value}"
    return int(match.group(1)) * units[match.group(2)]


def nginx_seconds(value: str) -> int:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 1}
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|[smhdw]?)", value.lower()):
        total += int(number) * units[unit]
    return int(total)


@pytest.fixture(scope="module")
def nginx() -> Directive:
    return parse_nginx(NGINX_CONF.read_text(encoding="utf-8"))


def https_server(conf: Directive) -> Directive:
    servers = [s for s in conf.all("server") if any("ssl" in d.args for d in s.all("listen"))]
    assert len(servers) == 1, "one HTTPS server block"
    return servers[0]


def map_from(conf: Directive, variable: str) -> Directive | None:
    """The map block that defines ``variable``, if one does."""
    for block in conf.all("map"):
        if block.args[1] == variable:
            return block
    return None


def test_nginx_upgrades_the_websocket_on_stcore_stream(nginx):
    stream = [d for d in https_server(nginx).all("location") if d.args == ["/_stcore/stream"]]
    assert len(stream) == 1, "a location for Streamlit's WebSocket"
    location = stream[0]
    assert location.one("proxy_http_version").args == ["1.1"]
    sent = headers_sent(location)
    assert sent.get("upgrade") == "$http_upgrade"
    connection = sent.get("connection", "")
    if connection.startswith("$"):  # mapped from $http_upgrade: "upgrade" when it is set
        mapping = map_from(nginx, connection)
        assert mapping is not None and mapping.args[0] == "$http_upgrade"
        assert {d.name: d.args[0] for d in mapping.block}["default"] == "upgrade"
    else:
        assert connection.lower() == "upgrade"
    assert location.one("proxy_pass").args[0].startswith("http://")
    # Open tabs stay connected through a meeting: more than nginx's 60 s default.
    assert nginx_seconds(location.one("proxy_read_timeout").args[0]) >= 3600


def test_nginx_upstream_is_sticky_over_both_app_servers(nginx):
    upstream = nginx.one("upstream")
    servers = [d.args[0] for d in upstream.all("server")]
    assert servers == ["127.0.0.1:8501", "127.0.0.1:8502"]
    for location in https_server(nginx).all("location"):
        assert location.one("proxy_pass").args == [f"http://{upstream.args[0]}"]
    ip_hash = upstream.all("ip_hash")
    hashes = upstream.all("hash")
    assert len(ip_hash) + len(hashes) == 1, "exactly one sticky directive"
    if hashes:
        key = hashes[0].args[0]
        assert hashes[0].args[1:] == ["consistent"]
        # The key must be a cookie the browser keeps, and someone must set that cookie.
        mapping = map_from(nginx, key)
        source = mapping.args[0] if mapping else key
        assert source.startswith("$cookie_"), f"hash key {key} does not come from a cookie"
        cookie = source.removeprefix("$cookie_")
        set_cookie = [d for d in https_server(nginx).all("add_header") if d.args[0] == "Set-Cookie"]
        assert set_cookie, f"nothing sets the {cookie} cookie the upstream hashes on"
        value = set_cookie[0].args[1]
        texts = [" ".join(d.args) for d in map_from(nginx, value).block] if value.startswith("$") else [value]
        assert any(f"{cookie}=" in text and "Secure" in text for text in texts)
        if mapping:  # a browser without the cookie is hashed on the very value it is given
            first = {d.name: d.args[0] for d in mapping.block}[""]
            assert any(f"{cookie}={first}" in text for text in texts)


def test_nginx_body_limit_lets_through_every_file_the_app_accepts(nginx):
    limits = [d for d in nginx.walk() if d.name == "client_max_body_size"]
    assert limits, "nginx's 1 MB default would refuse most exports"
    for limit in limits:
        assert nginx_size(limit.args[0]) >= config.MAX_UPLOAD_BYTES, limit


def test_nginx_forwards_the_browser_to_every_location(nginx):
    for location in https_server(nginx).all("location"):
        sent = headers_sent(location)
        assert sent.get("host") == "$host", location.args
        assert sent.get("x-forwarded-for") == "$proxy_add_x_forwarded_for", location.args
        assert sent.get("x-forwarded-proto") == "$scheme", location.args


def test_nginx_serves_https_only(nginx):
    server = https_server(nginx)
    assert server.one("ssl_certificate").args and server.one("ssl_certificate_key").args
    plain = [s for s in nginx.all("server") if s is not server]
    assert len(plain) == 1
    assert [d.args for d in plain[0].all("listen")] == [["80"]]
    assert not plain[0].all("location"), "plain HTTP serves nothing but the redirect"
    redirect = plain[0].one("return").args
    assert redirect[0] in {"301", "308"} and redirect[1].startswith("https://")


# --- docker compose --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def app_services(compose: dict) -> dict[str, dict]:
    return {
        name: service
        for name, service in compose["services"].items()
        if isinstance(service.get("build"), dict)
        and service["build"].get("dockerfile") == "deploy/Dockerfile"
    }


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_compose_runs_two_app_servers_on_one_postgresql(compose):
    db = compose["services"]["db"]
    assert db["image"].split(":")[1].startswith("15")
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(db["environment"])
    assert "healthcheck" in db
    apps = app_services(compose)
    assert len(apps) >= 2
    for name, service in apps.items():
        store = service["environment"]["COLLABPLAN_STORE"]
        # The password is filled in by compose from deploy/.env, never written here.
        assert STORE_URL.match(store) and "${COLLABPLAN_DB_PASSWORD" in store, name
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name
        assert service["command"][:3] == ["streamlit", "run", "app.py"], name


def test_compose_app_servers_share_one_read_only_secrets_file(compose):
    sources = set()
    for name, service in app_services(compose).items():
        mounts = [v for v in service["volumes"] if v.split(":")[1] == SECRETS_IN_CONTAINER]
        assert len(mounts) == 1, f"{name} lacks .streamlit/secrets.toml"
        source, _, mode = mounts[0].split(":")
        assert mode == "ro", name
        assert (DEPLOY / source).resolve() == ROOT / ".streamlit" / "secrets.toml"
        sources.add(source)
    assert len(sources) == 1, "one cookie_secret for every app server"


def test_compose_ports_are_the_ones_nginx_proxies_to(compose, nginx):
    apps = app_services(compose)
    ports = sorted(option(s["command"], "--server.port") for s in apps.values())
    upstream = [d.args[0] for d in nginx.one("upstream").all("server")]
    assert [f"127.0.0.1:{port}" for port in ports] == upstream
    proxy = compose["services"]["nginx"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    # 127.0.0.1 in nginx.conf is the app servers only because they share nginx's network.
    for service in apps.values():
        assert service["network_mode"] == "service:nginx"
        assert option(service["command"], "--server.address") == "127.0.0.1"


def test_dockerfile_builds_the_app_without_the_schools_data_or_secrets():
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.txt" in instructions
    copied = [line.split()[1] for line in instructions if line.startswith("COPY ")]
    assert copied, "the Dockerfile copies the app"
    for source in copied:
        assert source not in {".", "data", "data/", ".streamlit"}, source
        assert "secrets" not in source and (ROOT / source).exists(), source
    assert any(line.startswith("USER ") and "root" not in line for line in instructions)


# --- systemd ---------------------------------------------------------------------------------


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections, each key with every value it is given (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"setting outside a section: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(scope="module")
def unit() -> dict[str, list[str]]:
    return unit_settings(UNIT.read_text(encoding="utf-8"))["Service"]


def test_systemd_unit_runs_one_server_per_instance_port(unit):
    assert unit["EnvironmentFile"] == ["/etc/collabplan/env"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["User"][0] not in {"", "root"}
    command = unit["ExecStart"][0].split()
    assert command[1:5] == ["-m", "streamlit", "run", "app.py"]
    assert option(command, "--server.port") == "%i"
    assert option(command, "--server.address") == "127.0.0.1"
    assert unit["WorkingDirectory"] == ["/opt/collabplan"]


def test_systemd_unit_is_hardened_and_writes_only_its_folders(unit):
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
    }.items():
        assert unit.get(key) == [value], key
    writable = [path.lstrip("-") for path in unit["ReadWritePaths"]]
    assert "/opt/collabplan/data" in writable
    assert all(path.startswith("/opt/collabplan/") for path in writable)


def test_district_doc_points_at_every_recipe_file():
    text = (ROOT / "docs" / "district.md").read_text(encoding="utf-8")
    for path in ("deploy/nginx.conf", "deploy/docker-compose.yml", "deploy/Dockerfile",
                 "deploy/systemd/collabplan@.service", "migrate-store", "pg_dump"):
        assert path in text, path


# --- nginx itself, where it is installed -----------------------------------------------------

needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (cryptography comes with Authlib)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "collabplan.district.org")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrapped_config(folder: Path, ports: dict[str, int] | None = None) -> Path:
    """deploy/nginx.conf inside a minimal main config, with a throwaway certificate.

    ``ports`` moves the listening ports and the upstream servers (keys "80", "443", "8501",
    "8502") so the copy can run beside anything else on this computer.
    """
    cert, key = self_signed(folder)
    text = NGINX_CONF.read_text(encoding="utf-8")
    text = text.replace("/etc/ssl/collabplan/fullchain.pem", str(cert))
    text = text.replace("/etc/ssl/collabplan/privkey.pem", str(key))
    for old, new in (ports or {}).items():
        if old in {"80", "443"}:
            text = re.sub(rf"listen {old}\b", f"listen 127.0.0.1:{new}", text)
        else:
            text = text.replace(f"127.0.0.1:{old} ", f"127.0.0.1:{new} ")
    (folder / "collabplan.conf").write_text(text, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\n"
        "events {}\n"
        "http {\n"
        "    access_log off;\n"
        f"    client_body_temp_path {folder}/body;\n"
        f"    proxy_temp_path {folder}/proxy;\n"
        f"    include {folder}/collabplan.conf;\n"
        "}\n",
        encoding="utf-8",
    )
    return main


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    main = wrapped_config(tmp_path)
    result = subprocess.run(
        ["nginx", "-t", "-e", str(tmp_path / "error.log"), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


class _StandIn(BaseHTTPRequestHandler):
    """An app server that answers with its own name and the headers it was sent."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = len(self.rfile.read(length)) if length else 0
        body = json.dumps(
            {"server": self.server.name, "headers": dict(self.headers), "received": received}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = _answer

    def log_message(self, *args) -> None:  # keep the test's output quiet
        pass


@pytest.fixture
def proxy(tmp_path):
    """nginx with deploy/nginx.conf on loopback ports, in front of two stand-in servers."""
    stand_ins = []
    for name in ("app1", "app2"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        server.name = name
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stand_ins.append(server)
    ports = {"80": free_port(), "443": free_port()}
    ports["8501"], ports["8502"] = (s.server_address[1] for s in stand_ins)
    main = wrapped_config(tmp_path, ports)
    process = subprocess.Popen(
        ["nginx", "-e", str(tmp_path / "error.log"), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["443"]), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=20)
        for server in stand_ins:
            server.shutdown()
            server.server_close()


def request(port: int, path: str = "/", *, tls: bool = True, method: str = "GET",
            headers: dict[str, str] | None = None, body: bytes | None = None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = (
        http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
        if tls
        else http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    )
    try:
        connection.request(method, path, body=body,
                           headers={"Host": "collabplan.district.org", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        answer = json.loads(data) if response.getheader("Content-Type") == "application/json" else None
        return response, answer
    finally:
        connection.close()


def route_cookie(response) -> str | None:
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("collabplan_route="):
            return value
    return None


@needs_nginx
def test_nginx_keeps_each_browser_on_one_app_server(proxy):
    first, answer = request(proxy["443"])
    cookie = route_cookie(first)
    assert cookie is not None and "Secure" in cookie and "HttpOnly" in cookie
    pair = cookie.split(";")[0]
    server = answer["server"]
    for path in ("/", "/_stcore/health", "/static/js/index.js", "/_stcore/host-config"):
        again, answer = request(proxy["443"], path, headers={"Cookie": pair})
        assert answer["server"] == server, path
        assert route_cookie(again) is None, "the cookie is given once"
    _, upload = request(proxy["443"], "/_stcore/upload_file/s/f", method="PUT",
                        headers={"Cookie": pair}, body=b"x" * 3_000_000)
    assert upload["server"] == server and upload["received"] == 3_000_000
    # Browsers spread over both servers.
    servers = {
        request(proxy["443"], headers={"Cookie": f"collabplan_route={n:032x}"})[1]["server"]
        for n in range(40)
    }
    assert servers == {"app1", "app2"}


@needs_nginx
def test_nginx_forwards_websocket_upgrade_and_client_headers(proxy):
    _, stream = request(proxy["443"], "/_stcore/stream",
                        headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    sent = {k.lower(): v for k, v in stream["headers"].items()}
    assert sent["upgrade"] == "websocket" and sent["connection"] == "upgrade"
    assert sent["x-forwarded-proto"] == "https" and sent["x-forwarded-for"] == "127.0.0.1"
    assert sent["host"] == "collabplan.district.org"
    _, page = request(proxy["443"], "/")
    plain = {k.lower(): v for k, v in page["headers"].items()}
    assert "upgrade" not in plain and plain["x-forwarded-proto"] == "https"


@needs_nginx
def test_nginx_sends_plain_http_to_https(proxy):
    response, _ = request(proxy["80"], "/some/page?x=1", tls=False)
    assert response.status == 301
    location = urlsplit(response.getheader("Location"))
    assert (location.scheme, location.hostname, location.path, location.query) == (
        "https", "collabplan.district.org", "/some/page", "x=1")
