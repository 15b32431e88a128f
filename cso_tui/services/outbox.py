"""Delivering the notification outbox by SMTP (seed 003: "System sends email notification";
"Must log the notification sent in audit logs").

Actions write their emails to ``notification_outbox`` in their own transaction; a delivery
run (LocalBackend.deliver_notifications: the server every half minute, each terminal every
minute, or ``cso-tui outbox send``) claims due rows, sends them outside any transaction and
records the result. A failed send is retried with growing pauses, then marked failed; every
send and every final failure is an audit event.

The SMTP server comes from the ``smtp`` setting (``app_setting``), e.g.
``{"host": "mail.utility.example", "port": 587, "sender": "cso@utility.example",
"starttls": true, "username": "cso", "password_env": "CSO_TUI_SMTP_PASSWORD"}``. Without it
nothing is sent and the mail waits.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

#: Attempts before a message is marked failed.
MAX_ATTEMPTS = 5
#: Pause after the n-th failed attempt.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
#: A row claimed this long ago by a run that never finished is claimed again.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: Messages one run sends at most.
BATCH = 50


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "cso-tui@localhost"
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # the password is read from this environment variable
    timeout: float = 10.0


def smtp_settings(value: Any) -> SmtpSettings | None:
    """The ``smtp`` setting as SmtpSettings; None when unset or unusable (no host)."""
    if not isinstance(value, dict) or not str(value.get("host") or "").strip():
        return None
    return SmtpSettings(
        host=str(value["host"]).strip(),
        port=int(value.get("port") or 25),
        sender=str(value.get("sender") or "cso-tui@localhost"),
        starttls=bool(value.get("starttls")),
        username=value.get("username") or None,
        password_env=value.get("password_env") or None,
        timeout=float(value.get("timeout") or 10.0),
    )


def retry_pause(attempts: int) -> timedelta:
    """The pause after ``attempts`` failed attempts (1-based)."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


def message(settings: SmtpSettings, recipient: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = recipient
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


class Mailer:
    """One SMTP connection for a run's messages, opened on the first send."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Send one message; raises OSError or smtplib.SMTPException on failure."""
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.starttls:
                    smtp.starttls()
                if s.username:
                    smtp.login(s.username, os.environ.get(s.password_env or "", ""))
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        self._smtp.send_message(message(self.settings, recipient, subject, body))

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
