"""A keyway client in Python's standard library alone (urllib, http.cookiejar, json).

    KEYWAY_URL=http://127.0.0.1:3000 python3 examples/python/keyway_client.py [--sign-up] EMAIL PASSWORD

signs in with email and password (or signs up, with --sign-up), calls a batched query and a
mutation through tRPC, and signs out. The wire format is docs/api.md's.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


class KeywayError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class Keyway:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _request(self, method, path, body=None):
        headers = {"accept": "application/json"}
        data = None
        if method == "POST":
            # Cookie-bearing posts must come from a trusted origin: outside a browser, keyway's own.
            headers["origin"] = self.base_url
            if body is not None:
                headers["content-type"] = "application/json"
                data = json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
            try:
                return status, json.loads(text)
            except ValueError:
                raise KeywayError(status, text) from None

    def _auth(self, path, body):
        status, answer = self._request("POST", "/api/auth" + path, body)
        if status != 200:
            raise KeywayError(status, answer)
        return answer

    def sign_in(self, email, password):
        return self._auth("/sign-in/email", {"email": email, "password": password})

    def sign_up(self, email, password, name):
        return self._auth("/sign-up/email", {"email": email, "password": password, "name": name})

    def sign_out(self):
        return self._auth("/sign-out", None)

    @staticmethod
    def _answer(status, answer):
        if "error" in answer:
            raise KeywayError(answer["error"]["json"]["data"]["httpStatus"], answer["error"]["json"])
        return answer["result"]["data"]["json"]

    def query(self, *calls):
        """Queries in one batched GET: each call is (procedure, input or None); answers in order."""
        names = ",".join(name for name, _ in calls)
        inputs = {str(i): {"json": value} for i, (_, value) in enumerate(calls) if value is not None}
        query = urllib.parse.urlencode({"batch": "1", "input": json.dumps(inputs)})
        status, answers = self._request("GET", f"/trpc/{names}?{query}")
        if not isinstance(answers, list):
            raise KeywayError(status, answers)
        return [self._answer(status, answer) for answer in answers]

    def mutate(self, name, value):
        """One mutation: a POST of the input in superjson's envelope."""
        status, answer = self._request("POST", f"/trpc/{name}", {"json": value})
        return self._answer(status, answer)


def main():
    sign_up = sys.argv[1] == "--sign-up"
    email, password = sys.argv[2:4] if sign_up else sys.argv[1:3]
    keyway = Keyway(os.environ.get("KEYWAY_URL", "http://127.0.0.1:3000"))
    signed_in = keyway.sign_up(email, password, "Python") if sign_up else keyway.sign_in(email, password)
    print("signed in as", signed_in["user"]["email"])
    me, settings, events = keyway.query(("me.get", None), ("settings.get", None), ("me.securityEvents", {"limit": 5}))
    print("me:", me["email"], "| theme:", settings["theme"], "| latest event:", events["events"][0]["action"])
    updated = keyway.mutate("settings.update", {"theme": "light" if settings["theme"] != "light" else "dark"})
    print("theme now:", updated["theme"])
    keyway.sign_out()
    (session,) = keyway.query(("session.get", None))
    print("signed out:", session is None)


if __name__ == "__main__":
    main()
