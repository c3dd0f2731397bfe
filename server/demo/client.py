"""The demo's people at their screens: each signs in over HTTP and calls the public API."""
import uuid

import requests


class DemoError(Exception):
    """The server refused a step the demo expected to succeed."""


class Person:
    """One signed-in user of the running server (a session cookie and its CSRF token)."""

    def __init__(self, base, username, password, *, verify=True, lang="zh-CN"):
        self.base, self.username, self.password = base.rstrip("/"), username, password
        self.http = requests.Session()
        self.http.verify = verify
        self.http.headers["Accept-Language"] = lang
        self.csrf = ""

    def login(self):
        """Sign in with the login form's API; remember the CSRF token."""
        answer = self.http.post(f"{self.base}/api/v1/auth/login", timeout=15,
                                json={"username": self.username, "password": self.password})
        if answer.status_code != 200:
            raise DemoError(f"{self.username} cannot sign in: {answer.status_code} {answer.text[:200]}")
        self.csrf = answer.json().get("csrf_token", "")
        return self

    def call(self, method, path, *, ok=(200, 201), **kwargs):
        """Send a request (a creating one with a fresh Idempotency-Key); return (status, JSON body)."""
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        if method != "GET":
            headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
        answer = self.http.request(method, f"{self.base}/api/v1{path}", headers=headers, timeout=30, **kwargs)
        body = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        if ok and answer.status_code not in ok:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise DemoError(f"{self.username} {method} {path}: {answer.status_code} "
                            f"{error.get('message') or answer.text[:200]} {error.get('fields') or ''}")
        return answer.status_code, body

    def post(self, path, json=None, **kwargs):
        """POST JSON and return the answer's body."""
        return self.call("POST", path, json=json if json is not None else {}, **kwargs)[1]

    def get(self, path, **params):
        """GET and return the answer's body."""
        return self.call("GET", path, params=params)[1]

    def logout(self):
        """Sign out (the session ends; user.signed_out is recorded)."""
        self.call("POST", "/auth/logout", ok=None, json={})
