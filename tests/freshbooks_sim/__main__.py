"""``python -m tests.freshbooks_sim --port 8788 --redirect-uri URI``: serve until Ctrl-C."""

import argparse

from .dataset import PRESETS, generate
from .server import FreshBooksSim


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.freshbooks_sim", description=__doc__)
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--dataset", choices=sorted(PRESETS), default="demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redirect-uri", action="append", default=[], help="the app's")
    args = parser.parse_args(argv)
    data = generate(args.dataset, seed=args.seed)
    data.redirect_uris += args.redirect_uri
    sim = FreshBooksSim(data, port=args.port)
    print(f"FreshBooks simulator on {sim.url} (FRESHBOOKS_API_URL and _AUTH_URL)", flush=True)
    print(f"  account {data.account_id}  app {data.client_id} / {data.client_secret}", flush=True)
    try:
        sim.httpd.serve_forever()
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()
