"""A phone in your terminal: `python -m widgets.sms.simulate --kommune svendborg` (make sms).

Each line you type is posted to the running app's Twilio webhook, signed as Twilio would sign it,
and the reply is shown as the phone would get it, with its encoding and number of segments.
"""

import argparse
import sys
import urllib.parse
import urllib.request
import uuid
from xml.sax.saxutils import unescape

from widgets.settings import WebSettings
from widgets.sms.gsm import encoding, segments
from widgets.sms.providers import twilio_signature


def send(url: str, token: str, number: str, body: str) -> str:
    params = {"From": number, "Body": body, "MessageSid": f"SIM{uuid.uuid4().hex}"}
    signature = twilio_signature(token, url, params.items())
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        xml = response.read().decode()
    if "<Message>" not in xml:
        return ""
    return unescape(xml.split("<Message>", 1)[1].split("</Message>", 1)[0])


def describe(reply: str) -> str:
    if not reply:
        return "(no reply)"
    return f"[{encoding(reply)}, {segments(reply)} segment(s), {len(reply)} characters]"


def main(argv: list[str] | None = None) -> int:
    settings = WebSettings()
    parser = argparse.ArgumentParser(prog="python -m widgets.sms.simulate", description=__doc__)
    parser.add_argument("--kommune", default="svendborg")
    parser.add_argument("--url", default=settings.app_url)
    parser.add_argument("--number", default="+4500000000", help="the phone number to pretend")
    args = parser.parse_args(argv)
    url = f"{args.url.rstrip('/')}/sms/twilio?kommune={urllib.parse.quote(args.kommune)}"
    print(f"Texting {url} as {args.number}. Ctrl-D ends. Try: har ingen steder at sove, 1, HJÆLP")
    for line in sys.stdin:
        try:
            reply = send(url, settings.twilio_auth_token, args.number, line.rstrip("\n"))
        except OSError as error:
            print(f"The app does not answer at {args.url} ({error}). Is `make run` running?")
            return 1
        print(f"\n{reply}\n{describe(reply)}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
