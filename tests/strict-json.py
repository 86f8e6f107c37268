#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# strict-json.py FILE...: every FILE parses as strict JSON.  Bare NaN,
# Infinity and -Infinity (which Python's json module accepts by default)
# are refused, as node's JSON.parse and jq do.  Exit 1 naming the first
# file that fails, and why.
import json
import sys


def refuse(token):
    raise ValueError("non-JSON token %s" % token)


for path in sys.argv[1:]:
    try:
        with open(path) as f:
            json.loads(f.read(), parse_constant=refuse)
    except Exception as e:  # noqa: BLE001 - any failure is the answer
        sys.exit("%s: %s" % (path, e))
