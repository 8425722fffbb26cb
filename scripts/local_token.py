"""Print an id token for the local stack (`make dev`), for calling its API with curl.

    make token PASSWORD=<the demo password make dev printed>        # demo@example.com
    python scripts/local_token.py --email me@example.com --password ... [--url http://127.0.0.1:8000]

It reads the stack's `/config.json` (the Cognito endpoint and app client) and signs in with
USER_PASSWORD_AUTH, as the site does. The token goes to stdout alone, so
`TOKEN=$(make -s token PASSWORD=...)` works; it is valid for an hour.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"
DEMO_EMAIL = "demo@example.com"


def _post_json(url: str, target: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (the local stack's own endpoint)
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{target}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            body: dict[str, Any] = json.loads(reply.read())
            return body
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}")
        raise SystemExit(f"sign-in refused: {detail.get('message') or error.reason}") from error


def id_token(stack_url: str, email: str, password: str) -> str:
    try:
        with urllib.request.urlopen(f"{stack_url}/config.json", timeout=10) as reply:  # noqa: S310
            config = json.loads(reply.read())
    except OSError as error:
        raise SystemExit(
            f"no local stack at {stack_url} (is `make dev` running?): {error}"
        ) from error
    result = _post_json(
        config["cognitoEndpoint"],
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": config["userPoolClientId"],
            "AuthParameters": {"USERNAME": email, "PASSWORD": password},
        },
    )
    return str(result["AuthenticationResult"]["IdToken"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the stack's origin ({DEFAULT_URL})")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", required=True)
    args = parser.parse_args(argv)
    print(id_token(args.url.rstrip("/"), args.email, args.password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
