#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages named on the command line that are missing.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
need_packages "$@"
