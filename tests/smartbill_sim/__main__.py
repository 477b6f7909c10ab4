"""``python -m tests.smartbill_sim --port 8787 --dataset demo``: serve until Ctrl-C."""

import argparse

from .dataset import PRESETS, generate
from .server import SimServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.smartbill_sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--dataset", choices=sorted(PRESETS), default="demo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--window", type=float, default=10.0, help="rate-limit window in seconds (SmartBill: 10)"
    )
    parser.add_argument(
        "--block-seconds",
        type=float,
        default=600.0,
        help="how long an over-limit V1 token stays blocked (SmartBill: 600)",
    )
    args = parser.parse_args(argv)
    data = generate(args.dataset, seed=args.seed)
    sim = SimServer(
        data,
        host=args.host,
        port=args.port,
        window=args.window,
        v1_block_seconds=args.block_seconds,
    )
    print(f"SmartBill simulator on {sim.url}", flush=True)
    print(f"  company CIF {data.cif}  V1 {data.email} / token {data.v1_token}", flush=True)
    print(f"  V3 token {data.v3_token}", flush=True)
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":
    main()
