"""A throwaway Dovecot IMAP server on loopback for the integration tests.

Installs ``dovecot-imapd`` with apt when it is missing (scripts/test.sh lists it in
HELPMESH_APT_PACKAGES), writes a config, a passwd file and a Maildir under a temp folder, and
runs ``dovecot -F`` on a free high port. Test mail is delivered by writing Maildir files.

With a certificate (``make_certificate``: a throwaway self-signed one for localhost and
127.0.0.1, valid one day) it also speaks TLS: STARTTLS on the plain port and implicit TLS
(imaps) on ``tls_port``. Clients verify it by using the certificate as their CA file.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

USER, PASSWORD = "support", "secret-pass"


def ensure_installed() -> str | None:
    """The dovecot binary, installing the package if we can; None when unavailable."""
    found = shutil.which("dovecot") or (Path("/usr/sbin/dovecot").exists() and "/usr/sbin/dovecot")
    if found:
        return str(found)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "dovecot-imapd"], env=env, check=False)
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def make_certificate(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate and key for localhost/127.0.0.1 (None without openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Dovecot:
    """One running server: ``deliver`` drops a message into the user's INBOX."""

    def __init__(
        self,
        binary: str,
        root: Path,
        port: int,
        *,
        tls: tuple[Path, Path] | None = None,
        tls_port: int = 0,
        oauth2_url: str = "",
    ) -> None:
        self.binary, self.root, self.port = binary, root, port
        self.tls, self.tls_port, self.oauth2_url = tls, tls_port, oauth2_url
        self.maildir = root / "mail" / USER
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        config = self.root / "dovecot.conf"
        config.write_text(self._config())
        for path in [self.root, *self.root.rglob("*")]:
            os.chown(path, 65534, 65534) if os.geteuid() == 0 else None
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait_ready()

    def _config(self) -> str:
        root = self.root
        return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
{self._ssl()}
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.oauth2_url else ""}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
default_internal_user = nobody
default_login_user = nobody
default_internal_group = nogroup
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{self._oauth2_passdb()}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port if self.tls else 0}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""

    def _ssl(self) -> str:
        if self.tls is None:
            return "ssl = no"
        cert, key = self.tls
        return f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\nssl_min_protocol = TLSv1.2"

    def _oauth2_passdb(self) -> str:
        """XOAUTH2/OAUTHBEARER tokens checked against a token introspection endpoint."""
        if not self.oauth2_url:
            return ""
        settings = self.root / "oauth2.conf.ext"
        settings.write_text(
            f"introspection_mode = post\nintrospection_url = {self.oauth2_url}\n"
            "username_attribute = username\nactive_attribute = active\nactive_value = true\n"
        )
        mechanisms = "xoauth2 oauthbearer"
        return f"passdb {{\n  driver = oauth2\n  mechanisms = {mechanisms}\n  args = {settings}\n}}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                client = imaplib.IMAP4("127.0.0.1", self.port, timeout=2)
                client.login(USER, PASSWORD)
                client.logout()
                return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.2)
        log = (
            (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
        )
        raise RuntimeError(f"dovecot did not start: {log[-2000:]}")

    def deliver(self, raw: bytes) -> None:
        """Put one message into INBOX/new, as a local delivery agent would."""
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.test"
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        target = self.maildir / "new" / name
        tmp.rename(target)
        if os.geteuid() == 0:
            os.chown(target, 65534, 65534)

    def folder_count(self, folder: str = "INBOX", criteria: str = "ALL") -> int:
        """How many messages in ``folder`` match ``criteria``."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        client.login(USER, PASSWORD)
        try:
            status, _ = client.select(f'"{folder}"')
            if status != "OK":
                return 0
            _, data = client.search(None, criteria)
            return len(data[0].split()) if data and data[0] else 0
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
