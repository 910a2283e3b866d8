#!/usr/bin/env bash
# Serve the web app and the background task worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"

"$PY" manage.py schedule_tasks
"$PY" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  Rehome is running at http://localhost:${PORT}/

  Demo logins (password: rehome-demo-2026)
    coordinator@rehome.example   regional coordinator (two-factor: see below)
    council@rehome.example       council officer, Birmingham
    vcse@rehome.example          VCSE worker, Ladywood Community Hub and Small Heath Digital Champions
    vcse.tipton@rehome.example   VCSE worker, Tipton Together
    donor@rehome.example         donor contact, Midland Mutual Building Society
    itad@rehome.example          ITAD technician, Forge Tech Reuse CIC (two-factor: see below)

  Two-factor code for the coordinator and technician:
    .venv/bin/python manage.py demo_otp coordinator@rehome.example
  Emails (invitations, password resets) are printed here by the worker.
  Press Ctrl-C to stop.

TXT
"$PY" manage.py runserver "127.0.0.1:${PORT}"
